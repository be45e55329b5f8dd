namespace Exim.Abstractions.Policy;

/// <summary>How a rate limit check updates the stored rate (Exim's ratelimit options).</summary>
public enum RateLimitMode
{
    /// <summary>Exim's default <c>leaky</c>: the stored rate is updated only when the client is within the limit.</summary>
    Leaky,

    /// <summary><c>strict</c>: the stored rate is updated even when the client is over the limit.</summary>
    Strict,

    /// <summary><c>readonly</c>: the rate is computed but never stored.</summary>
    ReadOnly,
}
