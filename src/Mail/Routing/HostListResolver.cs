using System.Net;
using Exim.Abstractions.Resolution;
using Exim.Mail.Resolution;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Routing;

/// <summary>
/// Looks up one explicit host-list item (rf_lookup_hostlist, spec §2.9): an IP literal as itself; <c>name/MX</c> by its
/// MX records; <c>byname</c> through the system resolver; <c>bydns</c> by A/AAAA; by default DNS first and the system
/// resolver when DNS finds nothing. The item's port goes onto every host found. CNAME loops, and with
/// <paramref name="slowLookupLog"/> (milliseconds) slow lookups, are logged through <paramref name="logger"/>.
/// </summary>
internal sealed class HostListResolver(IDnsRecordResolver? dns, IAddressResolver? byname, Random random, ILogger? logger = null, int slowLookupLog = 0)
{
    /// <summary>The DNS resolver (through the host cache), for the smtp transport's TLSA lookups; null without one.</summary>
    public IDnsRecordResolver? Dns => dns;

    public async Task<HostFindResult> ResolveAsync(HostListItem item, HostLookupType lookup, HostFindOptions options, CancellationToken cancellationToken)
    {
        var found = await FindAsync(item, lookup, options with { SlowLookupLog = slowLookupLog }, cancellationToken).ConfigureAwait(false);
        return item.Port is { } port ? found with { Hosts = [.. found.Hosts.Select(h => h with { Port = port })] } : found;
    }

    private async Task<HostFindResult> FindAsync(HostListItem item, HostLookupType lookup, HostFindOptions options, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(item.Name, out var literal) && (item.Name.Contains(':', StringComparison.Ordinal) || item.Name.Count(c => c == '.') == 3))
        {
            if (options.IgnoreTargetHosts.Matches(literal)) return new HostFindResult(HostFindStatus.Failed, [], item.Name);
            var local = literal.Equals(IPAddress.Any) || options.LocalAddresses.Contains(literal);
            return new HostFindResult(local ? HostFindStatus.FoundLocal : HostFindStatus.Found, [new HostItem(item.Name, literal, -1)], item.Name);
        }
        if (item.MxOnly || lookup == HostLookupType.ByDns)
        {
            if (dns is null) return new HostFindResult(HostFindStatus.Again, [], item.Name);
            return await new HostFinder(dns, random, logger).FindByDnsAsync(item.Name, options with { ByMx = item.MxOnly, ByAddress = !item.MxOnly }, cancellationToken).ConfigureAwait(false);
        }
        if (lookup == HostLookupType.Default && dns is not null)
        {
            var byDns = await new HostFinder(dns, random, logger).FindByDnsAsync(item.Name, options with { ByMx = false }, cancellationToken).ConfigureAwait(false);
            if (byDns.Status != HostFindStatus.Failed || byname is null) return byDns;
        }
        if (byname is null) return new HostFindResult(HostFindStatus.Again, [], item.Name);
        return await HostFinderByName.FindAsync(byname, item.Name, options, cancellationToken, logger).ConfigureAwait(false);
    }
}
