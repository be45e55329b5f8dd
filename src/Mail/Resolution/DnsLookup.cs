using System.Collections.Immutable;
using System.Net;
using Exim.Abstractions.Resolution;

namespace Exim.Mail.Resolution;

/// <summary>
/// Exim's dns_lookup above the resolver plugin (spec §2.2): the name syntax check (no query for a bad name), no
/// A/AAAA query for an IP literal, and CNAME following for at most 1 + <c>dns_cname_loops</c> queries. When the
/// loops run out, or an answer holds neither the wanted type nor a CNAME, the result is "success" with no records,
/// as in Exim.
/// </summary>
internal static class DnsLookup
{
    public static async Task<DnsLookupResult> LookupAsync(IDnsRecordResolver resolver, string name, DnsRecordType type, int cnameLoops,
        CancellationToken cancellationToken, Func<string, bool>? againMeansNonexist = null)
    {
        var current = name.TrimEnd('.');
        if (type is not (DnsRecordType.Ptr or DnsRecordType.Txt) && !IsValidName(current)) return new DnsLookupResult(DnsStatus.NoMatch, [], current, SyntaxError: true);
        if (type is DnsRecordType.A or DnsRecordType.Aaaa && IPAddress.TryParse(current, out _)) return new DnsLookupResult(DnsStatus.NoMatch, [], current);
        string? fqdn = null;
        for (var pass = 0; pass <= cnameLoops; pass++)
        {
            var answer = await resolver.QueryAsync(new DnsQuestion(current, type), cancellationToken).ConfigureAwait(false);
            if (answer.Status == DnsStatus.Again && againMeansNonexist?.Invoke(current) == true)
            {
                return new DnsLookupResult(DnsStatus.NoMatch, [], fqdn ?? current); // dns_again_means_nonexist
            }
            if (answer.Status != DnsStatus.Succeed) return new DnsLookupResult(answer.Status, [], fqdn ?? current);
            // Exim's FQDN is the owner of the first record of the first answer: the name as the server knows it,
            // not a CNAME's target (a CNAME does not rename the domain).
            fqdn ??= answer.Records.IsEmpty ? current : answer.Records[0].Owner;
            // Follow the CNAME chain within this answer to the name the wanted records belong to.
            var owner = current;
            for (var link = 0; link < 16; link++)
            {
                var cname = answer.Records.OfType<CnameRecord>().FirstOrDefault(c => c.Owner.Equals(owner, StringComparison.OrdinalIgnoreCase));
                if (cname is null) break;
                owner = cname.Target;
            }
            var wanted = answer.Records.Where(r => r.Type == type && r.Owner.Equals(owner, StringComparison.OrdinalIgnoreCase)).ToImmutableArray();
            if (!wanted.IsEmpty) return new DnsLookupResult(DnsStatus.Succeed, wanted, owner);
            if (owner.Equals(current, StringComparison.OrdinalIgnoreCase)) break; // neither the type nor a CNAME
            current = owner;
        }
        return new DnsLookupResult(DnsStatus.Succeed, [], fqdn ?? current);
    }

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
