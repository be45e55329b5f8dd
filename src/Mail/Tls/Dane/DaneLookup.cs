using System.Collections.Immutable;
using Exim.Abstractions.Resolution;
using Exim.Mail.Resolution;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Tls.Dane;

/// <summary>
/// Exim's tlsa_lookup (host.c): for a host whose MX and address lookups were DNSSEC-secure (the host item's
/// dnssec = yes), the TLSA records at <c>_&lt;port&gt;._tcp.&lt;host name&gt;</c>, through the resolver plugin and the
/// host cache with the DO bit set, CNAMEs followed as every lookup does (the chain must be secure throughout). The
/// answer counts only when it is secure (the AD bit from a trusted resolver, or AA from a zone in dns_trust_aa). A
/// secure answer with records, but not one usable for SMTP, is told apart from one with usable records. Insecure
/// records are logged as Exim does ("DANE error: TLSA lookup for &lt;host&gt; not DNSSEC") and ignored.
/// dns_again_means_nonexist never applies here: a failure to get the records must not read as their absence.
/// </summary>
internal static class DaneLookup
{
    /// <param name="resolver">The DNS resolver (normally through the host cache).</param>
    /// <param name="host">The host name, as the host item has it (the MX target, or its CNAME target).</param>
    /// <param name="port">The port the connection goes to.</param>
    /// <param name="hostSecure">The host's MX (when from MX) and address lookups were DNSSEC-secure.</param>
    /// <param name="settings">dns_cname_loops and dns_trust_aa (AgainMeansNonexist is ignored), and where to log.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public static async Task<DaneLookupResult> LookupAsync(IDnsRecordResolver resolver, string host, int port, bool hostSecure, DnsLookupSettings settings,
        CancellationToken cancellationToken)
    {
        var baseDomain = host.TrimEnd('.');
        var name = $"_{port}._tcp.{baseDomain}";
        if (!hostSecure) return Result(DaneLookupStatus.NotApplicable, []);

        var lookup = await DnsLookup.LookupAsync(resolver, new DnsQuestion(name, DnsRecordType.Tlsa, RequestDnssec: true),
            settings with { AgainMeansNonexist = null }, cancellationToken).ConfigureAwait(false);
        switch (lookup.Status)
        {
            case DnsStatus.Again:
                return Result(DaneLookupStatus.Again, []);
            case DnsStatus.NoData or DnsStatus.NoMatch:
                return Result(DaneLookupStatus.NoRecords, []);
            case DnsStatus.Succeed when lookup.Secure:
                ImmutableArray<TlsaRecord> records = [.. lookup.Records.OfType<TlsaRecord>()];
                return Result(records.Any(DaneMatcher.IsUsable) ? DaneLookupStatus.Records : DaneLookupStatus.Unusable, records);
            case DnsStatus.Succeed:
                if (settings.Logger is { } logger) DaneLog.TlsaNotSecure(logger, baseDomain);
                return Result(DaneLookupStatus.Insecure, []);
            default:
                return Result(DaneLookupStatus.Failed, []);
        }

        DaneLookupResult Result(DaneLookupStatus status, ImmutableArray<TlsaRecord> records) => new(status, name, records) { BaseDomain = baseDomain };
    }
}
