using System.Collections.Immutable;
using System.Net;
using Exim.Abstractions.Resolution;

namespace Exim.Mail.Resolution;

/// <summary>
/// Exim's dns_lookup above the resolver plugin (spec §2.2): the name syntax check (no query for a bad name), no
/// A/AAAA query for an IP literal, and CNAME following for at most 1 + <c>dns_cname_loops</c> queries. When the
/// loops run out, or an answer holds neither the wanted type nor a CNAME, the result is "success" with no records,
/// as in Exim. The result is secure only if every answer on the way was (Exim clears AD and AA when a link was not).
/// </summary>
internal static class DnsLookup
{
    public static Task<DnsLookupResult> LookupAsync(IDnsRecordResolver resolver, string name, DnsRecordType type, int cnameLoops,
        CancellationToken cancellationToken, Func<string, bool>? againMeansNonexist = null)
        => LookupAsync(resolver, new DnsQuestion(name, type), new DnsLookupSettings(cnameLoops, againMeansNonexist), cancellationToken);

    /// <param name="resolver">The resolver (normally through the host cache).</param>
    /// <param name="question">The name and type, and the DO bit and search flags for the first query.</param>
    /// <param name="settings">CNAME loops, dns_again_means_nonexist and dns_trust_aa.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public static async Task<DnsLookupResult> LookupAsync(IDnsRecordResolver resolver, DnsQuestion question, DnsLookupSettings settings, CancellationToken cancellationToken)
    {
        var (name, type, cnameLoops, againMeansNonexist) = (question.Name, question.Type, settings.CnameLoops, settings.AgainMeansNonexist);
        var current = name.TrimEnd('.');
        if (type is not (DnsRecordType.Ptr or DnsRecordType.Txt) && !IsValidName(current)) return new DnsLookupResult(DnsStatus.NoMatch, [], current, SyntaxError: true);
        if (type is DnsRecordType.A or DnsRecordType.Aaaa && IPAddress.TryParse(current, out _)) return new DnsLookupResult(DnsStatus.NoMatch, [], current);
        string? fqdn = null;
        var secure = true;
        for (var pass = 0; pass <= cnameLoops; pass++)
        {
            // CNAME targets are names from the DNS: they are looked up as they are, with the same DO bit.
            var asked = pass == 0 ? question with { Name = current } : new DnsQuestion(current, type, question.RequestDnssec);
            var answer = await resolver.QueryAsync(asked, cancellationToken).ConfigureAwait(false);
            secure &= IsSecure(answer, settings.TrustAa);
            if (answer.Status == DnsStatus.Again && againMeansNonexist?.Invoke(current) == true)
            {
                return new DnsLookupResult(DnsStatus.NoMatch, [], fqdn ?? current); // dns_again_means_nonexist
            }
            if (answer.Status != DnsStatus.Succeed) return new DnsLookupResult(answer.Status, [], fqdn ?? current, Secure: secure);
            // Exim's FQDN is the owner of the first record of the first answer: the name as the server knows it,
            // not a CNAME's target (a CNAME does not rename the domain).
            fqdn ??= answer.Records.IsEmpty ? current : answer.Records[0].Owner;
            // Follow the CNAME chain within this answer to the name the wanted records belong to. It starts at the
            // owner of the first record: the name asked, unless the resolver's search list qualified it.
            var owner = answer.Records.IsEmpty ? current : answer.Records[0].Owner;
            for (var link = 0; link < 16; link++)
            {
                var cname = answer.Records.OfType<CnameRecord>().FirstOrDefault(c => c.Owner.Equals(owner, StringComparison.OrdinalIgnoreCase));
                if (cname is null) break;
                owner = cname.Target;
            }
            var wanted = answer.Records.Where(r => r.Type == type && r.Owner.Equals(owner, StringComparison.OrdinalIgnoreCase)).ToImmutableArray();
            if (!wanted.IsEmpty) return new DnsLookupResult(DnsStatus.Succeed, wanted, fqdn, Secure: secure);
            if (owner.Equals(current, StringComparison.OrdinalIgnoreCase)) break; // neither the type nor a CNAME
            current = owner;
        }
        return new DnsLookupResult(DnsStatus.Succeed, [], fqdn ?? current, Secure: secure);
    }

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
