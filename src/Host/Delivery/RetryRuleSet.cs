using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Host.Configuration.Values;
using Exim.Mail.Retry;

namespace Exim.Host.Delivery;

/// <summary>
/// The configuration's <c>[[retry]]</c> tables as parsed rules, with Exim's times. A configuration without any gets the
/// one rule of Exim's default configuration (<c>* * F,2h,15m; G,16h,1h,1.5; F,4d,6h</c>): Exim itself would treat every
/// temporary error as permanent, which surprises anyone who has not written a retry section yet.
/// </summary>
internal static class RetryRuleSet
{
    public static TimeSpan? ParseTime(string text) => EximTime.TryParse(text, out var t) ? t : null;

    /// <summary>The rules, or the first error (the loader has already reported errors with their positions).</summary>
    public static RetryRules From(EximConfig config)
    {
        var tables = config.Retry.IsEmpty ? [new RetryConfig()] : config.Retry;
        var rules = ImmutableArray.CreateBuilder<RetryRule>();
        foreach (var table in tables)
        {
            if (RetryRuleParser.TryParse(table, ParseTime, out var rule, out _)) rules.Add(rule);
        }
        return new RetryRules(rules.ToImmutable());
    }
}
