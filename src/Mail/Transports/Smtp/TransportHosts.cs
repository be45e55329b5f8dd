using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Abstractions.Matching;
using Exim.Mail.Resolution;
using Exim.Mail.Routing;

namespace Exim.Mail.Transports.Smtp;

/// <summary>
/// The smtp transport's own host lists (<c>hosts</c>, <c>fallback_hosts</c>, and a router's <c>fallback_hosts</c>),
/// looked up as Exim's transport does (smtp.c): an IP literal as itself; with <c>gethostbyname</c> through the system
/// resolver (the "byname" plugin: /etc/hosts, nsswitch); otherwise by A and AAAA records in the DNS, a one-component
/// name qualified by the resolver's search list when <c>dns_qualify_single</c> is set (the default). No MX lookups.
/// A name that cannot be found stays in the list without an address, so the delivery says "failed to lookup IP
/// address for &lt;name&gt;" instead of losing it without a word.
/// </summary>
internal static class TransportHosts
{
    public static async Task<ImmutableArray<HostItem>> ResolveAsync(HostListResolver resolver, TransportConfig transport, ImmutableArray<string> list,
        CancellationToken cancellationToken)
    {
        var options = new HostFindOptions { ByMx = false, IgnoreTargetHosts = HostList.Empty, QualifySingle = transport.DnsQualifySingle };
        var lookup = transport.Gethostbyname ? HostLookupType.ByName : HostLookupType.ByDns;
        var result = ImmutableArray.CreateBuilder<HostItem>();
        foreach (var item in list.SelectMany(h => HostListParser.Parse(h)))
        {
            var found = await resolver.ResolveAsync(item with { MxOnly = false }, lookup, options, cancellationToken).ConfigureAwait(false);
            if (found.Status is HostFindStatus.Found or HostFindStatus.FoundLocal) result.AddRange(found.Hosts);
            else result.Add(new HostItem(item.Name, null, -1, HostStatus.Unusable, found.Status == HostFindStatus.Again ? "deferred" : "failed", item.Port));
        }
        return result.ToImmutable();
    }
}
