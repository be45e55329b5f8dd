namespace Exim.Abstractions.Policy;

/// <summary>The outcome of a rate limit check (Exim's <c>$sender_rate</c>, <c>$sender_rate_limit</c>, <c>$sender_rate_period</c>).</summary>
/// <param name="Over">Whether the rate, this event included, is at or above the limit (Exim: a client at the limit is over it, so a limit of 0 blocks).</param>
/// <param name="Rate">The smoothed rate, this event included.</param>
/// <param name="Limit">The limit it was compared with.</param>
/// <param name="Period">The period of the rate.</param>
public readonly record struct RateLimitResult(bool Over, double Rate, double Limit, TimeSpan Period)
{
    /// <summary>The key the rate is stored under, built as Exim builds it: <c>period/per_what/[unique/]key</c> (what <c>exim --dumpdb ratelimit</c> shows).</summary>
    public string? StoredKey { get; init; }
}
