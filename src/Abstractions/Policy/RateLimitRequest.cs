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

    /// <summary>
    /// The period as the policy wrote it (Exim's <c>$sender_rate_period</c>, e.g. <c>1h</c>): it is part of the stored key,
    /// so <c>1h</c> and <c>60m</c> are two rates, as in Exim. Null: <see cref="Period"/> in Exim's form (<c>1h</c>, <c>1d</c>,
    /// <c>1h30m</c>).
    /// </summary>
    public string? PeriodText { get; init; }

    /// <summary>
    /// Exim's <c>unique=</c>: an event id counted once per period (a Bloom filter in the stored record remembers the ids seen
    /// this period; a repeated id counts 0). <c>per_addr</c> is <see cref="RateLimitUnit.PerRecipient"/> with the recipient
    /// address here. Null: every event counts.
    /// </summary>
    public string? Unique { get; init; }
}
