using System.Collections.Immutable;

namespace Exim.Mail.Retry;

/// <summary>
/// The configured retry rules, searched in order as Exim does: the first rule whose pattern matches and whose error is
/// <c>*</c> or the failure's error name (<c>refused</c>, <c>timeout</c>, <c>lost_connection</c>, <c>mail_4xx</c>,
/// <c>rcpt_4xx</c>, <c>data_4xx</c>, <c>local</c>, <c>routing</c>) applies. A pattern with <c>@</c> matches the address
/// (<c>*</c> as local part matches any); one without matches, for host failures, the host name or IP address, and
/// otherwise the address's domain (<c>*.suffix</c> and <c>*</c> as in domain lists). With no rule, nothing is retried:
/// the failure is treated as timed out, as Exim does.
/// </summary>
internal sealed class RetryRules(ImmutableArray<RetryRule> rules)
{
    public static RetryRules None { get; } = new([]);

    public RetryRule? Find(string address, string error, string? hostName = null, string? hostAddress = null)
    {
        var at = address.LastIndexOf('@');
        var local = at < 0 ? address : address[..at];
        var domain = at < 0 ? "" : address[(at + 1)..];
        foreach (var rule in rules)
        {
            if (rule.Error != "*" && !rule.Error.Equals(error, StringComparison.OrdinalIgnoreCase)) continue;
            if (Matches(rule.Pattern, local, domain, hostName, hostAddress)) return rule;
        }
        return null;
    }

    private static bool Matches(string pattern, string local, string domain, string? hostName, string? hostAddress)
    {
        if (pattern == "*") return true;
        var at = pattern.LastIndexOf('@');
        if (at >= 0)
        {
            var localPattern = pattern[..at];
            return (localPattern == "*" || localPattern.Equals(local, StringComparison.OrdinalIgnoreCase)) && DomainMatches(pattern[(at + 1)..], domain);
        }
        if (hostName is not null && DomainMatches(pattern, hostName)) return true;
        if (hostAddress is not null && pattern.Equals(hostAddress, StringComparison.OrdinalIgnoreCase)) return true;
        return DomainMatches(pattern, domain);
    }

    private static bool DomainMatches(string pattern, string domain)
    {
        if (pattern == "*") return true;
        if (pattern.StartsWith('*')) return domain.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase);
        return domain.Equals(pattern, StringComparison.OrdinalIgnoreCase);
    }
}
