using Exim.Abstractions.Resolution;
using Exim.Mail.Resolution;

namespace Exim.Mail.Tls.Dane;

/// <summary>
/// Exim's check_force_dane_conn and smtp_setup_conn (smtp.c) on a TLSA lookup's result, with
/// <c>hosts_require_dane</c> matched or not (a host in neither list gets no lookup: <see cref="DaneMode.None"/>):
/// <list type="bullet">
/// <item>Usable secure records: a DANE-verified TLS connection is required, with the host name as SNI.</item>
/// <item>A host whose lookups were not secure: nothing, or with require FAIL "DANE error: &lt;host&gt; lookup not DNSSEC".</item>
/// <item>No records, or insecure ones: nothing, or with require FAIL "DANE error: tlsa lookup FAIL".</item>
/// <item>A temporary failure (SERVFAIL, so a bogus answer too): DEFER "DANE error: tlsa lookup DEFER", require or not
/// (the downgrade protection: a host that publishes TLSA records must not lose them to a failed lookup).</item>
/// <item>A permanent failure: DEFER, or with require FAIL.</item>
/// <item>Secure records none of which is usable: IMPROVE (RFC 7672 §2.2): TLS without authentication, mandatory;
/// Exim 4.96 defers the host ("DANE error: No usable TLSA records"), which is what require still does here.</item>
/// </list>
/// </summary>
internal static class DanePolicy
{
    /// <summary>
    /// smtp_setup_conn for one host: no lookup unless it matched hosts_try_dane or hosts_require_dane; a TLSA lookup
    /// only when its records were found securely (the host item's dnssec = yes); then <see cref="Decide"/>.
    /// </summary>
    /// <param name="resolver">The DNS resolver (through the host cache); without one no host's lookups were secure.</param>
    /// <param name="host">The host to connect to.</param>
    /// <param name="port">The port the connection goes to (the TLSA name's).</param>
    /// <param name="tryDane">The host matched hosts_try_dane.</param>
    /// <param name="requireDane">The host matched hosts_require_dane.</param>
    /// <param name="settings">dns_cname_loops and dns_trust_aa, and the logger.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public static async Task<DaneDecision> DecideAsync(IDnsRecordResolver? resolver, HostItem host, int port, bool tryDane, bool requireDane,
        DnsLookupSettings settings, CancellationToken cancellationToken)
    {
        if (!tryDane && !requireDane) return DaneDecision.None;
        var lookup = resolver is null
            ? new DaneLookupResult(DaneLookupStatus.NotApplicable, "", []) { BaseDomain = host.Name.TrimEnd('.') }
            : await DaneLookup.LookupAsync(resolver, host.Name, port, host.Dnssec == DnssecStatus.Yes, settings, cancellationToken).ConfigureAwait(false);
        return Decide(lookup, requireDane);
    }

    /// <param name="lookup">The TLSA lookup for the host.</param>
    /// <param name="required">The host matched hosts_require_dane.</param>
    /// <param name="mxName">The MX host name the host came from, when its MX lookup was secure and it differs from the TLSA base domain (RFC 7672 §3.2.2).</param>
    public static DaneDecision Decide(DaneLookupResult lookup, bool required, string? mxName = null) => lookup.Status switch
    {
        DaneLookupStatus.Records => new DaneDecision(DaneMode.Verify, null, lookup.Records, Names(lookup.BaseDomain, mxName)),
        DaneLookupStatus.NotApplicable => required ? DaneDecision.Fail($"DANE error: {lookup.BaseDomain} lookup not DNSSEC") : DaneDecision.None,
        DaneLookupStatus.NoRecords or DaneLookupStatus.Insecure => required ? DaneDecision.Fail("DANE error: tlsa lookup FAIL") : DaneDecision.None,
        DaneLookupStatus.Again => DaneDecision.Defer("DANE error: tlsa lookup DEFER"),
        DaneLookupStatus.Unusable => required
            ? DaneDecision.Defer("DANE error: No usable TLSA records")
            : new DaneDecision(DaneMode.EncryptOnly, null, lookup.Records, []),
        _ => required ? DaneDecision.Fail("DANE error: tlsa lookup FAIL") : DaneDecision.Defer("DANE error: tlsa lookup DEFER"),
    };

    private static System.Collections.Immutable.ImmutableArray<string> Names(string baseDomain, string? mxName)
        => mxName is { Length: > 0 } mx && !string.Equals(mx.TrimEnd('.'), baseDomain, StringComparison.OrdinalIgnoreCase) ? [baseDomain, mx.TrimEnd('.')] : [baseDomain];
}
