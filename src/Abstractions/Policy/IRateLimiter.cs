namespace Exim.Abstractions.Policy;

/// <summary>
/// Exim's <c>ratelimit</c>: a smoothed rate per key, kept in the hints store so it survives restarts and is shared by the
/// daemon and its runner processes. Per-connection and per-message de-duplication (<c>per_conn</c>, <c>per_mail</c>
/// counting once however often a script asks) is the session's job, not the limiter's.
/// </summary>
public interface IRateLimiter
{
    /// <summary>Computes the key's rate with this event and, unless the mode says not to, stores it.</summary>
    /// <param name="request">The key, limit, period, mode, unit and count.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    ValueTask<RateLimitResult> CheckAsync(RateLimitRequest request, CancellationToken cancellationToken);
}
