namespace Exim.Abstractions.Policy;

/// <summary>One rate limit check: is <see cref="Key"/> sending faster than <see cref="Limit"/> per <see cref="Period"/>?</summary>
/// <param name="Key">What is limited, e.g. the client's address or the sender.</param>
/// <param name="Limit">The largest rate allowed, in <see cref="Unit"/>s per <see cref="Period"/>.</param>
/// <param name="Period">The period of the smoothed rate (Exim's exponentially weighted average).</param>
public sealed record RateLimitRequest(string Key, double Limit, TimeSpan Period)
{
    /// <summary>How the stored rate is updated.</summary>
    public RateLimitMode Mode { get; init; } = RateLimitMode.Leaky;

    /// <summary>What is counted.</summary>
    public RateLimitUnit Unit { get; init; } = RateLimitUnit.PerMail;

    /// <summary>How much this event counts (Exim's <c>count=</c>; the size for <see cref="RateLimitUnit.PerByte"/>).</summary>
    public double Count { get; init; } = 1;
}
