using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using Exim.Abstractions.Resolution;

namespace Exim.Mail.Resolution;

/// <summary>
/// Exim's dns_lookup above the resolver plugin (spec §2.2, dns.c): the name syntax check (no query for a bad name), no
/// A/AAAA query for an IP literal, and CNAME following for at most 1 + <c>dns_cname_loops</c> queries. An answer with
/// records of the wanted type succeeds; one with neither those nor a CNAME fails (DNS_FAIL); when the loops run out
/// the lookup fails too and "CNAME loop for &lt;name&gt; encountered" is logged, so a CNAME loop defers rather than
/// bounces. The fully qualified name comes from the first answer as Exim takes it: the owner of its last CNAME
/// before the wanted records, else of the first wanted record. So a domain that is a single CNAME keeps its name,
/// and one at the head of a longer chain is renamed to the last alias of that chain. The result is secure only if
/// every answer on the way was (Exim clears AD and AA when a link was not). With slow_lookup_log a lookup that took
/// longer is logged in Exim's "Long MX lookup for 'name': N msec" shape.
/// </summary>
internal static class DnsLookup
{
    /// <param name="resolver">The resolver (normally through the host cache).</param>
    /// <param name="question">The name and type, and the DO bit and search flags for the first query.</param>
    /// <param name="settings">CNAME loops, dns_again_means_nonexist, dns_trust_aa, and where to log.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public static async Task<DnsLookupResult> LookupAsync(IDnsRecordResolver resolver, DnsQuestion question, DnsLookupSettings settings, CancellationToken cancellationToken)
    {
        if (settings is not { Logger: { } logger, SlowLookupLog: > 0 }) return await FollowAsync(resolver, question, settings, cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        var result = await FollowAsync(resolver, question, settings, cancellationToken).ConfigureAwait(false);
        var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (elapsed > settings.SlowLookupLog) ResolutionLog.LongLookup(logger, TypeText(question.Type), question.Name, elapsed);
        return result;
    }

    private static async Task<DnsLookupResult> FollowAsync(IDnsRecordResolver resolver, DnsQuestion question, DnsLookupSettings settings, CancellationToken cancellationToken)
    {
        var (type, againMeansNonexist) = (question.Type, settings.AgainMeansNonexist);
        var asked = question.Name.TrimEnd('.');
        var current = asked;
        if (type is not (DnsRecordType.Ptr or DnsRecordType.Txt) && !IsValidName(current)) return new DnsLookupResult(DnsStatus.NoMatch, [], current, SyntaxError: true);
        if (type is DnsRecordType.A or DnsRecordType.Aaaa && IPAddress.TryParse(current, out _)) return new DnsLookupResult(DnsStatus.NoMatch, [], current);
        string? fqdn = null;
        var secure = true;
        for (var pass = 0; pass <= settings.CnameLoops; pass++)
        {
            // CNAME targets are names from the DNS: they are looked up as they are, with the same DO bit.
            var query = pass == 0 ? question with { Name = current } : new DnsQuestion(current, type, question.RequestDnssec);
            var answer = await resolver.QueryAsync(query, cancellationToken).ConfigureAwait(false);
            if (answer.Status == DnsStatus.Again && againMeansNonexist?.Invoke(current) == true)
            {
                return new DnsLookupResult(DnsStatus.NoMatch, [], fqdn ?? current); // dns_again_means_nonexist
            }
            if (answer.Status != DnsStatus.Succeed) return new DnsLookupResult(answer.Status, [], fqdn ?? current, Secure: secure && IsSecure(answer, settings.TrustAa));

            // dns_lookup's scan: the first record of the wanted type, and the last CNAME seen before it (or the last
            // CNAME of all, when there is no such record).
            DnsRecord? wanted = null;
            CnameRecord? cname = null;
            foreach (var r in answer.Records)
            {
                if (r.Type == type)
                {
                    wanted ??= r;
                    if (cname is not null) break;
                }
                else if (r is CnameRecord c)
                {
                    cname = c;
                }
            }
            if (pass == 0)
            {
                // The name as the DNS knows it (the search list may have qualified it); a wildcard owner is not a name.
                var owner = (DnsRecord?)cname ?? wanted;
                fqdn = owner is { Owner: { Length: > 0 } o } && o[0] != '*' ? o : current;
            }
            if (wanted is not null)
            {
                secure &= IsSecure(answer, settings.TrustAa);
                return new DnsLookupResult(DnsStatus.Succeed, [.. answer.Records.Where(r => r.Type == type)], fqdn!, Secure: secure);
            }
            if (cname is null) return new DnsLookupResult(DnsStatus.Fail, [], fqdn!); // records, but neither the type nor a CNAME
            secure &= IsSecure(answer, settings.TrustAa);
            current = cname.Target;
        }
        if (settings.Logger is { } logger) ResolutionLog.CnameLoop(logger, asked);
        return new DnsLookupResult(DnsStatus.Fail, [], fqdn ?? asked);
    }

    /// <summary>Exim's dns_text_type, for log lines.</summary>
    private static string TypeText(DnsRecordType type) => type switch
    {
        DnsRecordType.Aaaa => "AAAA",
        DnsRecordType.Cname => "CNAME",
        _ => type.ToString().ToUpperInvariant(),
    };

    /// <summary>
    /// Exim's dns_is_secure: the AD bit (the plugin reports it only from servers it trusts for it), or the AA bit
    /// when the zone the answer came from is in dns_trust_aa.
    /// </summary>
    public static bool IsSecure(DnsAnswer answer, Func<string, bool>? trustAa)
        => answer.Authenticated || (answer.Authoritative && answer.AuthorityName is { } zone && trustAa?.Invoke(zone) == true);

    /// <summary>Exim's default dns_check_names_pattern: labels of letters, digits, '-', '/' and '_', each starting and ending with a word character.</summary>
    public static bool IsValidName(string name)
    {
        if (name.Length is 0 or > 253) return false;
        foreach (var label in name.Split('.'))
        {
            if (label.Length is 0 or > 63) return false;
            if (!IsWord(label[0]) || !IsWord(label[^1])) return false;
            foreach (var c in label)
            {
                if (!(IsWord(c) || c is '-' or '/')) return false;
            }
        }
        return true;

        static bool IsWord(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
    }
}
