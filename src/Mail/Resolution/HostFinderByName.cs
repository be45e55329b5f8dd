using System.Collections.Immutable;
using System.Diagnostics;
using System.Net.Sockets;
using Exim.Abstractions.Matching;
using Exim.Abstractions.Resolution;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Resolution;

/// <summary>
/// Exim's host_find_byname (spec §2.5) through the system-resolver plugin, so /etc/hosts and nsswitch apply: IPv6
/// then IPv4 unless IPv4 only, the library's order kept, ignore_target_hosts applied, repeated addresses dropped,
/// and this host's addresses reported as FoundLocal. TRY_AGAIN with nothing found is Again, or Failed when the name
/// is in dns_again_means_nonexist. DNSSEC is never requested: the system resolver cannot say. With slow_lookup_log, a
/// call that took longer is logged as Exim logs it (<c>Long gethostbyname lookup for 'name': N msec</c>).
/// </summary>
internal static class HostFinderByName
{
    public static async Task<HostFindResult> FindAsync(IAddressResolver resolver, string name, HostFindOptions options, CancellationToken cancellationToken,
        ILogger? logger = null)
    {
        var families = options.Ipv4Only ? new[] { AddressFamily.InterNetwork } : [AddressFamily.InterNetworkV6, AddressFamily.InterNetwork];
        var hosts = new List<HostItem>();
        var temporary = false;
        // Plain host names in ignore_target_hosts are looked up the same way, through the system resolver.
        var lookups = options.IgnoreTargetHosts.HasNameItems ? new ConnectionHostNames(null, (n, ct) => resolver.ResolveAsync(n, AddressFamily.Unspecified, ct).AsTask()) : null;
        foreach (var family in families)
        {
            var started = Stopwatch.GetTimestamp();
            var lookup = await resolver.ResolveAsync(name, family, cancellationToken).ConfigureAwait(false);
            var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (logger is not null && options.SlowLookupLog > 0 && elapsed > options.SlowLookupLog) ResolutionLog.LongLookup(logger, "gethostbyname", name, elapsed);
            if (lookup.Status is AddressLookupStatus.Again or AddressLookupStatus.Fail) temporary = true;
            foreach (var address in lookup.Addresses)
            {
                var a = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
                var host = lookup.CanonicalName ?? name;
                if (await options.IgnoreTargetHosts.MatchAsync(a, host, lookups, cancellationToken).ConfigureAwait(false) != HostListMatch.Match) hosts.Add(new HostItem(host, a, -1));
            }
        }
        var unique = hosts.DistinctBy(h => h.Address).ToImmutableArray();
        if (unique.IsEmpty)
        {
            var again = temporary && !options.AgainMeansNonexist(name);
            return new HostFindResult(again ? HostFindStatus.Again : HostFindStatus.Failed, [], name);
        }
        var local = unique.Any(h => HostFinder.IsLocal(h, options));
        return new HostFindResult(local ? HostFindStatus.FoundLocal : HostFindStatus.Found, unique, name);
    }
}
