namespace Exim.Mail.Retry;

/// <summary>
/// One item of an Exim retry rule: <c>F,cutoff,interval</c> (fixed), <c>G,cutoff,interval,multiplier</c> (geometric) or
/// <c>H,cutoff,interval,multiplier</c> (geometric with random jitter). Applies while the time since the first failure
/// is below <paramref name="Cutoff"/>.
/// </summary>
internal sealed record RetryRuleItem(char Kind, TimeSpan Cutoff, TimeSpan Interval, double Multiplier);
