using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Exim.Abstractions.Resolution;

namespace Exim.Mail.Resolution;

/// <summary>
/// Exim's host_find_bydns for MX and address lookups (spec §2.3, §2.4, §2.6): MX records in preference order with
/// equal preferences shuffled, a name listed twice kept at its best preference, implicit MX, targets resolved AAAA
/// then A with failures kept as unusable hosts, ignore_target_hosts, IPv6 before IPv4 within a preference (a stable
/// partition, where Exim does one bubble pass), repeated addresses dropped, and this host's detection: in the most
/// preferred group it gives FoundLocal, at a worse preference it is cut with every host at its preference or worse.
/// IMPROVE (RFC 7505): a lone null MX is reported as such, for a permanent "no SMTP service" failure.
/// </summary>
internal sealed class HostFinder(IDnsRecordResolver dns, Random random)
{
    public async Task<HostFindResult> FindByDnsAsync(string name, HostFindOptions options, CancellationToken cancellationToken)
    {
        var domain = name.TrimEnd('.');
        if (!options.SrvServices.IsEmpty)
        {
            var srv = await FindBySrvAsync(domain, options, cancellationToken).ConfigureAwait(false);
            if (srv is not null) return srv;
        }
        if (!options.ByMx) return await FromAddressesAsync(domain, domain, options, cancellationToken).ConfigureAwait(false);

        var mx = await DnsLookup.LookupAsync(dns, domain, DnsRecordType.Mx, options.CnameLoops, cancellationToken, options.AgainMeansNonexist).ConfigureAwait(false);
        switch (mx.Status)
        {
            case DnsStatus.NoMatch:
                return new HostFindResult(HostFindStatus.Failed, [], mx.Fqdn, SyntaxError: mx.SyntaxError);
            case DnsStatus.Again or DnsStatus.Fail when !options.MxFailDomain(domain):
                return new HostFindResult(HostFindStatus.Again, [], mx.Fqdn);
            case DnsStatus.NoData or DnsStatus.Again or DnsStatus.Fail: // mx_fail_domains turns a failure into "no MX"
                return await FromAddressesAsync(domain, mx.Fqdn, options, cancellationToken).ConfigureAwait(false);
        }
        var records = mx.Records.OfType<MxRecord>().ToList();
        if (records.Count == 0) return new HostFindResult(HostFindStatus.Failed, [], mx.Fqdn); // a CNAME loop: no fallback to A
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
        var deferred = false;
        foreach (var (target, pref, _) in targets)
        {
            var resolved = await ResolveTargetAsync(target, pref, options, cancellationToken).ConfigureAwait(false);
            if (resolved.Status == HostFindStatus.Again) deferred = true;
            hosts.AddRange(resolved.Hosts);
        }
        return Finish(hosts, mx.Fqdn, options, deferred);
    }

    /// <summary>
    /// SRV (spec §2.3 step 2, step 6): each service in turn until one has records. A lone <c>.</c> target means no
    /// service. Within a priority, targets are ordered by RFC 2782's weighted draw; each host keeps the SRV port and
    /// shows the priority as its MX. Null when no service has records (MX is tried next).
    /// </summary>
    private async Task<HostFindResult?> FindBySrvAsync(string domain, HostFindOptions options, CancellationToken cancellationToken)
    {
        foreach (var service in options.SrvServices)
        {
            var name = $"_{service}._tcp.{domain}";
            var srv = await DnsLookup.LookupAsync(dns, name, DnsRecordType.Srv, options.CnameLoops, cancellationToken, options.AgainMeansNonexist).ConfigureAwait(false);
            if (srv.Status is DnsStatus.Again or DnsStatus.Fail)
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
            var deferred = false;
            foreach (var r in ordered)
            {
                var resolved = await ResolveTargetAsync(r.Target, r.Priority, options, cancellationToken).ConfigureAwait(false);
                if (resolved.Status == HostFindStatus.Again) deferred = true;
                hosts.AddRange(resolved.Hosts.Select(h => h with { Port = r.Port }));
            }
            return Finish(hosts, domain, options, deferred);
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
    private async Task<HostFindResult> FromAddressesAsync(string domain, string fqdn, HostFindOptions options, CancellationToken cancellationToken)
    {
        var resolved = await ResolveTargetAsync(domain, -1, options, cancellationToken).ConfigureAwait(false);
        if (resolved.Status != HostFindStatus.Found) return resolved with { Hosts = [], Fqdn = fqdn };
        return Finish([.. resolved.Hosts], fqdn, options, deferred: false);
    }

    /// <summary>set_address_from_dns: one target's addresses, AAAA then A, shuffled within each family, IPv6 first.</summary>
    private async Task<HostFindResult> ResolveTargetAsync(string target, int mx, HostFindOptions options, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(target, out var literal) && target.Count(c => c == '.') is 3 or 0)
        {
            if (!options.AllowMxToIp && mx >= 0) return Unusable(target, mx, HostFindStatus.Failed, "failed (MX points to an IP address)");
            return options.IgnoreTargetHosts.Matches(literal) ? Unusable(target, mx, HostFindStatus.Failed, "ignored") : Found([new HostItem(target, literal, mx)]);
        }

        var addresses = new List<(IPAddress Address, string Owner, int Key)>();
        var temporary = false;
        var families = options.Ipv4Only ? new[] { DnsRecordType.A } : [DnsRecordType.Aaaa, DnsRecordType.A];
        for (var f = 0; f < families.Length; f++)
        {
            var result = await DnsLookup.LookupAsync(dns, target, families[f], options.CnameLoops, cancellationToken, options.AgainMeansNonexist).ConfigureAwait(false);
            if (result.Status is DnsStatus.Again or DnsStatus.Fail) temporary = true;
            if (result.Status != DnsStatus.Succeed) continue;
            var familyBonus = (options.Ipv4Prefer ? families[f] == DnsRecordType.Aaaa : families[f] == DnsRecordType.A) ? 500 : 0;
            foreach (var a in result.Records.OfType<AddressRecord>())
            {
                addresses.Add((a.Address, a.Owner, familyBonus + random.Next(500)));
            }
        }

        if (addresses.Count == 0) return Unusable(target, mx, temporary ? HostFindStatus.Again : HostFindStatus.Failed, temporary ? "deferred" : "failed");
        var kept = addresses.Where(a => !options.IgnoreTargetHosts.Matches(a.Address)).OrderBy(a => a.Key).ToList();
        if (kept.Count == 0) return Unusable(target, mx, HostFindStatus.Failed, "ignored");
        // The item takes the owner name of the address records (the CNAME target, where there was one).
        return Found([.. kept.Select(a => new HostItem(a.Owner, a.Address, mx)).DistinctBy(h => h.Address)]);
    }

    private static HostFindResult Found(ImmutableArray<HostItem> hosts) => new(HostFindStatus.Found, hosts, "");

    private static HostFindResult Unusable(string target, int mx, HostFindStatus status, string why)
        => new(status, why == "ignored" ? [] : [new HostItem(target, null, mx, HostStatus.Unusable, why)], "");

    /// <summary>Order within preferences, drop repeated addresses, then find this host (spec §2.3 steps 9–11, §2.6).</summary>
    private static HostFindResult Finish(List<HostItem> hosts, string fqdn, HostFindOptions options, bool deferred)
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

        var localIndex = unique.FindIndex(h => h.Address is { } a && (a.Equals(IPAddress.Any) || options.LocalAddresses.Contains(a)));
        if (localIndex >= 0)
        {
            var localPref = unique[localIndex].Mx;
            if (localPref == unique[0].Mx) return new HostFindResult(HostFindStatus.FoundLocal, [.. unique], fqdn);
            // A secondary MX: cut this host, its preference-mates and everything worse.
            var better = unique.TakeWhile(h => h.Mx < localPref).ToImmutableArray();
            return new HostFindResult(better.Any(h => h.Usable) ? HostFindStatus.Found : HostFindStatus.Failed, better, fqdn, RemovedLocal: true);
        }
        if (unique.Any(h => h.Usable)) return new HostFindResult(HostFindStatus.Found, [.. unique], fqdn);
        return new HostFindResult(deferred ? HostFindStatus.Again : HostFindStatus.Failed, [.. unique], fqdn);
    }

    /// <summary>0 for the family that goes first, 1 for the other; unusable hosts (no address) are not moved back.</summary>
    private static int FamilyRank(HostItem h, bool ipv4Prefer)
    {
        if (h.Address is null) return 0;
        var v6 = h.Address.AddressFamily == AddressFamily.InterNetworkV6;
        return v6 == ipv4Prefer ? 1 : 0;
    }
}
