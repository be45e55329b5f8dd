namespace Exim.Abstractions.Policy;

/// <summary>The outcome of a rate limit check (Exim's <c>$sender_rate</c>, <c>$sender_rate_limit</c>, <c>$sender_rate_period</c>).</summary>
/// <param name="Over">Whether the rate, this event included, is above the limit.</param>
/// <param name="Rate">The smoothed rate, this event included.</param>
/// <param name="Limit">The limit it was compared with.</param>
/// <param name="Period">The period of the rate.</param>
public readonly record struct RateLimitResult(bool Over, double Rate, double Limit, TimeSpan Period);
