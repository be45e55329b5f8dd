using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Exim.Abstractions.Matching;
using Exim.Abstractions.Resolution;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exim.Mail.Resolution;

/// <summary>
/// Exim's host_find_bydns for MX and address lookups (spec §2.3, §2.4, §2.6): MX records in preference order with
/// equal preferences shuffled, a name listed twice kept at its best preference, implicit MX, targets resolved AAAA
/// then A with failures kept as unusable hosts, ignore_target_hosts, IPv6 before IPv4 within a preference (a stable
/// partition, where Exim does one bubble pass), repeated addresses dropped, and this host's detection: in the most
/// preferred group it gives FoundLocal, at a worse preference it is cut with every host at its preference or worse.
/// IMPROVE (RFC 7505): a lone null MX is reported as such, for a permanent "no SMTP service" failure.
/// DNSSEC (spec §2.3 step 1, §2.4): the DO bit is set for names in dnssec_request_domains (or _require_domains);
/// with require, an MX or SRV answer that is not secure is a failure (SECURITY for MX unless mx_fail_domains; "try
/// again" for SRV unless srv_fail_domains), and insecure address answers are skipped, a target left with nothing
/// being unusable as "insecure" and the result SECURITY when nothing usable remains. Each host records whether every
/// answer that led to it was secure. qualify_single and search_parents apply to the domain's own lookups only: MX
/// and SRV targets are looked up as they are, so junk targets cannot match local names.
/// </summary>
internal sealed class HostFinder(IDnsRecordResolver dns, Random random, ILogger? logger = null)
{
    private const string Ignored = "ignored";

    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private ConnectionHostNames? _outgoing;

    /// <summary>What one host_find_bydns call asks of each lookup.</summary>
    private readonly record struct Security(bool Request, bool Require, Func<string, bool> TrustAa);

    public async Task<HostFindResult> FindByDnsAsync(string name, HostFindOptions options, CancellationToken cancellationToken)
    {
        var domain = name.TrimEnd('.');
        var require = options.DnssecRequire(domain);
        var security = new Security(require || options.DnssecRequest(domain), require, options.TrustAa);
        if (!options.SrvServices.IsEmpty)
        {
            var srv = await FindBySrvAsync(domain, options, security, cancellationToken).ConfigureAwait(false);
            if (srv is not null) return srv;
        }
        if (!options.ByMx) return await FromAddressesAsync(domain, domain, options, security, cancellationToken).ConfigureAwait(false);

        var mx = await LookupAsync(Question(domain, DnsRecordType.Mx, options, security), options, security, cancellationToken).ConfigureAwait(false);
        var mxDnssec = !security.Request ? DnssecStatus.Unknown : mx.Secure ? DnssecStatus.Yes : DnssecStatus.No;
        var status = mx.Status;
        if (status == DnsStatus.Succeed && security.Require && !mx.Secure)
        {
            ResolutionLog.DnssecFailMx(_logger, domain);
            if (!options.MxFailDomain(domain)) return new HostFindResult(HostFindStatus.Security, [], mx.Fqdn);
            status = DnsStatus.Fail; // mx_fail_domains: treated as "no MX" below
        }
        switch (status)
        {
            case DnsStatus.NoMatch:
                return new HostFindResult(HostFindStatus.Failed, [], mx.Fqdn, SyntaxError: mx.SyntaxError);
            case DnsStatus.Again or DnsStatus.Fail when !options.MxFailDomain(domain):
                return new HostFindResult(HostFindStatus.Again, [], mx.Fqdn);
            case DnsStatus.NoData or DnsStatus.Again or DnsStatus.Fail: // mx_fail_domains turns a failure into "no MX"
                if (!options.ByAddress) return new HostFindResult(HostFindStatus.Failed, [], mx.Fqdn); // name/MX: MX records only
                return await FromAddressesAsync(domain, mx.Fqdn, options, security, cancellationToken).ConfigureAwait(false);
        }
        var records = mx.Records.OfType<MxRecord>().ToList();
        if (records.Count == 1 && records[0].Exchange.Length == 0)
        {
            return new HostFindResult(HostFindStatus.Failed, [new HostItem("", null, records[0].Preference, HostStatus.Unusable, "null MX")], mx.Fqdn, NullMx: true);
        }

        // The same target named twice keeps its best preference; order by preference with a random tie-break.
        var targets = records
            .GroupBy(r => r.Exchange, StringComparer.OrdinalIgnoreCase)
            .Select(g => (Name: g.First().Exchange, Pref: g.Min(r => r.Preference)))
            .Select(t => (t.Name, t.Pref, Key: t.Pref * 1000 + random.Next(500)))
            .OrderBy(t => t.Key)
            .ToList();

        var hosts = new List<HostItem>();
        var fallback = HostFindStatus.Failed;
        foreach (var (target, pref, _) in targets)
        {
            var resolved = await ResolveTargetAsync(target, pref, mxDnssec, options, security, cancellationToken).ConfigureAwait(false);
            if (resolved.Status is HostFindStatus.Again or HostFindStatus.Security) fallback = resolved.Status;
            hosts.AddRange(resolved.Hosts);
        }
        return Finish(DropIgnored(hosts), mx.Fqdn, options, fallback);
    }

    /// <summary>The question for the domain's own MX, SRV or address lookup: the DO bit, and the search flags.</summary>
    private static DnsQuestion Question(string name, DnsRecordType type, HostFindOptions options, Security security)
        => new(name, type, security.Request) { QualifySingle = options.QualifySingle, SearchParents = options.SearchParents };

    private Task<DnsLookupResult> LookupAsync(DnsQuestion question, HostFindOptions options, Security security, CancellationToken cancellationToken)
        => DnsLookup.LookupAsync(dns, question, new DnsLookupSettings(options.CnameLoops, options.AgainMeansNonexist, security.TrustAa)
        {
            Logger = _logger,
            SlowLookupLog = options.SlowLookupLog,
        }, cancellationToken);

    /// <summary>
    /// SRV (spec §2.3 step 2, step 6): each service in turn until one has records. A lone <c>.</c> target means no
    /// service. Within a priority, targets are ordered by RFC 2782's weighted draw; each host keeps the SRV port and
    /// shows the priority as its MX. Null when no service has records (MX is tried next).
    /// </summary>
    private async Task<HostFindResult?> FindBySrvAsync(string domain, HostFindOptions options, Security security, CancellationToken cancellationToken)
    {
        foreach (var service in options.SrvServices)
        {
            var name = $"_{service}._tcp.{domain}";
            var srv = await LookupAsync(Question(name, DnsRecordType.Srv, options, security), options, security, cancellationToken).ConfigureAwait(false);
            var status = srv.Status;
            if (status == DnsStatus.Succeed && security.Require && !srv.Secure)
            {
                ResolutionLog.DnssecFailSrv(_logger, domain);
                status = DnsStatus.Fail;
            }
            var srvDnssec = !security.Request ? DnssecStatus.Unknown : srv.Secure ? DnssecStatus.Yes : DnssecStatus.No;
            if (status is DnsStatus.Again or DnsStatus.Fail)
            {
                if (options.SrvFailDomain(domain)) continue;
                return new HostFindResult(HostFindStatus.Again, [], domain);
            }
            var records = srv.Records.OfType<SrvRecord>().ToList();
            if (records.Count == 0) continue;
            if (records.Count == 1 && records[0].Target.Length == 0)
            {
                return new HostFindResult(HostFindStatus.Failed, [new HostItem("", null, records[0].Priority, HostStatus.Unusable, "no service", records[0].Port)], domain);
            }
            var ordered = new List<SrvRecord>();
            foreach (var group in records.GroupBy(r => r.Priority).OrderBy(g => g.Key)) ordered.AddRange(WeightedOrder([.. group]));
            var hosts = new List<HostItem>();
            var fallback = HostFindStatus.Failed;
            foreach (var r in ordered)
            {
                var resolved = await ResolveTargetAsync(r.Target, r.Priority, srvDnssec, options, security, cancellationToken).ConfigureAwait(false);
                if (resolved.Status is HostFindStatus.Again or HostFindStatus.Security) fallback = resolved.Status;
                hosts.AddRange(resolved.Hosts.Select(h => h with { Port = r.Port }));
            }
            return Finish(DropIgnored(hosts), domain, options, fallback);
        }
        return null;
    }

    /// <summary>RFC 2782: repeatedly draw a random number up to the sum of the remaining weights and take the first record whose running sum reaches it.</summary>
    private List<SrvRecord> WeightedOrder(List<SrvRecord> group)
    {
        var result = new List<SrvRecord>(group.Count);
        var remaining = group.OrderBy(r => r.Weight == 0 ? 0 : 1).ToList(); // zero weights first, as the RFC suggests
        while (remaining.Count > 0)
        {
            var draw = random.Next(remaining.Sum(r => r.Weight) + 1);
            var running = 0;
            var pick = remaining[^1];
            foreach (var r in remaining)
            {
                running += r.Weight;
                if (running >= draw) { pick = r; break; }
            }
            result.Add(pick);
            remaining.Remove(pick);
        }
        return result;
    }

    /// <summary>No MX: the domain's own addresses, as one host group with mx -1.</summary>
    private async Task<HostFindResult> FromAddressesAsync(string domain, string fqdn, HostFindOptions options, Security security, CancellationToken cancellationToken)
    {
        var resolved = await ResolveTargetAsync(domain, -1, DnssecStatus.Unknown, options, security, cancellationToken, own: true).ConfigureAwait(false);
        // The address records name the domain as the DNS knows it (only the first record type found sets it, Bug 1588).
        if (resolved.Fqdn.Length > 0) fqdn = resolved.Fqdn;
        if (resolved.Status != HostFindStatus.Found) return resolved with { Hosts = [], Fqdn = fqdn };
        return Finish([.. resolved.Hosts], fqdn, options, HostFindStatus.Failed);
    }

    /// <summary>
    /// set_address_from_dns: one target's addresses, AAAA then A, shuffled within each family, IPv6 first. With
    /// DNSSEC requested, the host's status starts from its MX or SRV answer's (unknown for the domain's own addresses),
    /// a secure answer makes an unknown status secure and an insecure one makes a secure status insecure; with it
    /// required, insecure answers are skipped. <paramref name="own"/> marks the domain's own lookup, which keeps the
    /// search flags (targets are looked up as they are).
    /// </summary>
    private async Task<HostFindResult> ResolveTargetAsync(string target, int mx, DnssecStatus dnssec, HostFindOptions options, Security security,
        CancellationToken cancellationToken, bool own = false)
    {
        if (IPAddress.TryParse(target, out var literal) && target.Count(c => c == '.') is 3 or 0)
        {
            if (!options.AllowMxToIp && mx >= 0) return Unusable(target, mx, HostFindStatus.Failed, "failed (MX points to an IP address)");
            return await IgnoredAsync(options, literal, target, cancellationToken).ConfigureAwait(false)
                ? Unusable(target, mx, HostFindStatus.Failed, Ignored)
                : Found([new HostItem(target, literal, mx)]);
        }

        var addresses = new List<(IPAddress Address, string Owner, int Key)>();
        var temporary = false;
        var insecure = false;
        var lastSucceeded = false;
        string? fqdn = null;
        var families = options.Ipv4Only ? new[] { DnsRecordType.A } : [DnsRecordType.Aaaa, DnsRecordType.A];
        for (var f = 0; f < families.Length; f++)
        {
            var question = own ? Question(target, families[f], options, security) : new DnsQuestion(target, families[f], security.Request);
            var result = await LookupAsync(question, options, security, cancellationToken).ConfigureAwait(false);
            if (result.Status is DnsStatus.Again or DnsStatus.Fail) temporary = true;
            lastSucceeded = result.Status == DnsStatus.Succeed;
            if (!lastSucceeded) continue;
            if (security.Request)
            {
                if (result.Secure)
                {
                    if (dnssec == DnssecStatus.Unknown) dnssec = DnssecStatus.Yes;
                }
                else if (security.Require)
                {
                    insecure = true;
                    continue;
                }
                else if (dnssec == DnssecStatus.Yes)
                {
                    dnssec = DnssecStatus.No;
                }
            }
            fqdn ??= result.Fqdn;
            var familyBonus = (options.Ipv4Prefer ? families[f] == DnsRecordType.Aaaa : families[f] == DnsRecordType.A) ? 500 : 0;
            foreach (var a in result.Records.OfType<AddressRecord>())
            {
                addresses.Add((a.Address, a.Owner, familyBonus + random.Next(500)));
            }
        }

        if (addresses.Count == 0)
        {
            // Exim: when the last lookup (A) did not succeed, a temporary failure (its own or a remembered AAAA one)
            // defers and anything else fails, even if an insecure AAAA answer was skipped; SECURITY only when the
            // A answer itself was there but insecure.
            if (!lastSucceeded) return temporary ? Unusable(target, mx, HostFindStatus.Again, "deferred") : Unusable(target, mx, HostFindStatus.Failed, "failed");
            return insecure ? Unusable(target, mx, HostFindStatus.Security, "insecure") : Unusable(target, mx, HostFindStatus.Failed, "failed");
        }
        var kept = new List<(IPAddress Address, string Owner, int Key)>();
        foreach (var a in addresses.OrderBy(a => a.Key))
        {
            if (!await IgnoredAsync(options, a.Address, a.Owner, cancellationToken).ConfigureAwait(false)) kept.Add(a);
        }
        if (kept.Count == 0) return Unusable(target, mx, HostFindStatus.Failed, Ignored);
        // set_address_from_dns: the host takes the owner name of its first address record when that is another name
        // (a CNAME's target); one differing only in case leaves the name as it was asked for (so a cached answer's
        // case never shows).
        var name = string.Equals(kept[0].Owner, target, StringComparison.OrdinalIgnoreCase) ? target : kept[0].Owner;
        return Found([.. kept.Select(a => new HostItem(name, a.Address, mx, Dnssec: dnssec)).DistinctBy(h => h.Address)]) with { Fqdn = fqdn ?? "" };
    }

    /// <summary>
    /// ignore_target_hosts, matched with the target's name known: name patterns match it, and plain host names are
    /// looked up forward through the same resolver. Only a match ignores the address (a deferred lookup does not).
    /// A list without name items is matched without any lookup.
    /// </summary>
    private async ValueTask<bool> IgnoredAsync(HostFindOptions options, IPAddress address, string name, CancellationToken cancellationToken)
    {
        var lookups = options.IgnoreTargetHosts.HasNameItems ? _outgoing ??= ConnectionHostNames.ForOutgoing(dns, new DnsLookupSettings(options.CnameLoops) { Logger = _logger, SlowLookupLog = options.SlowLookupLog }) : null;
        return await options.IgnoreTargetHosts.MatchAsync(address, name, lookups, cancellationToken).ConfigureAwait(false) == HostListMatch.Match;
    }

    private static HostFindResult Found(ImmutableArray<HostItem> hosts) => new(HostFindStatus.Found, hosts, "");

    private static HostFindResult Unusable(string target, int mx, HostFindStatus status, string why)
        => new(status, [new HostItem(target, null, mx, HostStatus.Unusable, why)], "");

    /// <summary>
    /// Targets in ignore_target_hosts are dropped as if they did not exist; when every one was, the last stays, without
    /// an address (host_find_bydns flattens it so), which is how dnslookup tells "all relevant MX records point to
    /// non-existent hosts" from a domain with no MX at all.
    /// </summary>
    private static List<HostItem> DropIgnored(List<HostItem> hosts)
    {
        var kept = hosts.FindAll(h => h.Why != Ignored);
        return kept.Count == 0 && hosts.Count > 0 ? [hosts[^1]] : kept;
    }

    /// <summary>Order within preferences, drop repeated addresses, then find this host (spec §2.3 steps 9–11, §2.6).</summary>
    private static HostFindResult Finish(List<HostItem> hosts, string fqdn, HostFindOptions options, HostFindStatus fallback)
    {
        // IPv6 before IPv4 within each preference (IPv4 first with ipv4_prefer): a stable partition per group.
        // Hosts arrive sorted by preference, so each preference group is contiguous and GroupBy keeps their order.
        var ordered = hosts
            .Select((h, i) => (h, i))
            .GroupBy(x => x.h.Mx)
            .SelectMany(g => g.OrderBy(x => FamilyRank(x.h, options.Ipv4Prefer)).ThenBy(x => x.i).Select(x => x.h))
            .ToList();
        var seen = new HashSet<IPAddress>();
        var unique = ordered.Where(h => h.Address is null || seen.Add(h.Address)).ToList();

        var localIndex = unique.FindIndex(h => IsLocal(h, options));
        if (localIndex >= 0)
        {
            var localPref = unique[localIndex].Mx;
            if (localPref == unique[0].Mx) return new HostFindResult(HostFindStatus.FoundLocal, [.. unique], fqdn);
            // A secondary MX: cut this host, its preference-mates and everything worse.
            var better = unique.TakeWhile(h => h.Mx < localPref).ToImmutableArray();
            return new HostFindResult(better.Any(h => h.Usable) ? HostFindStatus.Found : HostFindStatus.Failed, better, fqdn, RemovedLocal: true);
        }
        if (unique.Any(h => h.Usable)) return new HostFindResult(HostFindStatus.Found, [.. unique], fqdn);
        return new HostFindResult(fallback, [.. unique], fqdn);
    }

    /// <summary>host_scan_for_local_hosts: a name in hosts_treat_as_local, 0.0.0.0, or one of this host's addresses.</summary>
    internal static bool IsLocal(HostItem h, HostFindOptions options)
        => options.TreatAsLocal(h.Name) || (h.Address is { } a && (a.Equals(IPAddress.Any) || options.LocalAddresses.Contains(a)));

    /// <summary>0 for the family that goes first, 1 for the other; unusable hosts (no address) are not moved back.</summary>
    private static int FamilyRank(HostItem h, bool ipv4Prefer)
    {
        if (h.Address is null) return 0;
        var v6 = h.Address.AddressFamily == AddressFamily.InterNetworkV6;
        return v6 == ipv4Prefer ? 1 : 0;
    }
}
