using System.Collections.Frozen;
using System.Net;
using Exim.Abstractions.Config;
using Exim.Abstractions.Matching;
using Exim.Abstractions.Resolution;
using Exim.Mail.Matching;
using Exim.Mail.Resolution;

namespace Exim.Mail.Routing;

/// <summary>
/// Routes an address through the configured routers in order (Exim's route_address): each router's <c>domains</c>
/// and <c>local_parts</c> preconditions, then its driver. <c>accept</c> routes to its transport; <c>dnslookup</c>
/// finds the hosts with <see cref="HostFinder"/> and maps the result as spec §2.7 does. When every router declines,
/// the address fails with the last router's message, or "Unrouteable address".
/// </summary>
internal sealed class AddressRouter(EximConfig config, IDnsRecordResolver? dns, IReadOnlySet<IPAddress> localAddresses, Random random,
    IAddressResolver? byname = null)
{
    private readonly MainOptions _main = config.Main;
    private readonly FrozenDictionary<string, DomainList> _named = DomainList.NamedLists(config.Main);
    private readonly ManualRouteRouter _manual = new(config.Main, DomainList.NamedLists(config.Main), dns, byname, localAddresses, random);

    public async Task<RouteResult> RouteAsync(string address, CancellationToken cancellationToken)
    {
        var at = address.LastIndexOf('@');
        var (local, domain) = at < 0 ? (address, _main.PrimaryHostname) : (address[..at], address[(at + 1)..]);
        string? lastMessage = null;
        foreach (var router in config.Routers)
        {
            if (!router.Domains.IsEmpty && !new DomainList(router.Domains, _main.PrimaryHostname, _named).Matches(domain)) continue;
            if (!router.LocalParts.IsEmpty && !new DomainList(router.LocalParts, _main.PrimaryHostname).Matches(local)) continue;
            var result = router.Driver switch
            {
                "accept" => new RouteResult(RouteOutcome.Accepted, router.Name, router.Transport),
                "dnslookup" => await DnsLookupAsync(router, domain, cancellationToken).ConfigureAwait(false),
                "manualroute" => await _manual.RouteAsync(router, domain, Self, cancellationToken).ConfigureAwait(false),
                _ => new RouteResult(RouteOutcome.Deferred, router.Name, Message: $"the {router.Driver} router driver is not available yet"),
            };
            switch (result.Outcome)
            {
                case RouteOutcome.Accepted or RouteOutcome.Deferred or RouteOutcome.Failed:
                    return result with { Router = router.Name };
                case RouteOutcome.Declined:
                    lastMessage = result.Message ?? lastMessage;
                    if (!router.More) return new RouteResult(RouteOutcome.Failed, router.Name, Message: lastMessage ?? "Unrouteable address");
                    break;
            }
        }
        return new RouteResult(RouteOutcome.Failed, Message: lastMessage ?? "Unrouteable address");
    }

    private async Task<RouteResult> DnsLookupAsync(RouterConfig router, string domain, CancellationToken cancellationToken)
    {
        if (dns is null) return new RouteResult(RouteOutcome.Deferred, Message: "no DNS resolver plugin is loaded (a plugin registering IDnsRecordResolver \"dns\")");
        var ipv4Only = router.Ipv4Only || _main.DisableIpv6 || (!_main.DnsIpv4Lookup.IsEmpty && new DomainList(_main.DnsIpv4Lookup, _main.PrimaryHostname).Matches(domain));
        var options = new HostFindOptions
        {
            Ipv4Only = ipv4Only,
            Ipv4Prefer = router.Ipv4Prefer,
            AllowMxToIp = router.AllowMxToIp,
            IgnoreTargetHosts = new HostList(router.IgnoreTargetHosts),
            LocalAddresses = [.. localAddresses],
            CnameLoops = _main.DnsCnameLoops,
            SrvServices = router.CheckSrv is { Length: > 0 } srv ? [.. srv.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : [],
            MxFailDomain = Matcher(router.MxFailDomains),
            SrvFailDomain = Matcher(router.SrvFailDomains),
            AgainMeansNonexist = Matcher(_main.DnsAgainMeansNonexist),
        };
        var found = await new HostFinder(dns, random).FindByDnsAsync(domain, options, cancellationToken).ConfigureAwait(false);
        switch (found.Status)
        {
            case HostFindStatus.Again:
                return router.PassOnTimeout ? new RouteResult(RouteOutcome.Pass) : new RouteResult(RouteOutcome.Deferred, Message: "host lookup did not complete");
            case HostFindStatus.Failed:
                return Failed(found, router, domain);
            case HostFindStatus.FoundLocal:
                return Self(router, found, domain);
        }
        if (router.CheckSecondaryMx && !found.RemovedLocal) return RouteResult.Decline();
        if (!router.MxDomains.IsEmpty && found.Hosts.All(h => h.Mx < 0) && new DomainList(router.MxDomains, _main.PrimaryHostname, _named).Matches(domain)) return RouteResult.Decline();
        return new RouteResult(RouteOutcome.Accepted, Transport: router.Transport, Hosts: found.Hosts);
    }

    private Func<string, bool> Matcher(System.Collections.Immutable.ImmutableArray<string> domains)
    {
        if (domains.IsEmpty) return static _ => false;
        var list = new DomainList(domains, _main.PrimaryHostname, _named);
        return list.Matches;
    }

    private static RouteResult Failed(HostFindResult found, RouterConfig router, string domain)
    {
        // IMPROVE (RFC 7505): a lone null MX is a permanent failure, not a decline another router might override.
        if (found.NullMx) return new RouteResult(RouteOutcome.Failed, Message: "an MX or SRV record indicated no SMTP service");
        if (found.SyntaxError) return RouteResult.Decline($"mail domain \"{domain}\" is syntactically invalid");
        if (!router.FailDeferDomains.IsEmpty && router.FailDeferDomains.Contains(domain, StringComparer.OrdinalIgnoreCase))
        {
            return new RouteResult(RouteOutcome.Deferred, Message: "missing MX, or all MXs point to missing A records, and defer requested");
        }
        if (found.Hosts.Length > 0 && found.Hosts[0] is { Mx: >= 0, Address: null } first)
        {
            if (first.Name.Length == 0) return RouteResult.Decline("an MX or SRV record indicated no SMTP service");
            var toIp = found.Hosts.Any(h => h.Why?.Contains("IP address", StringComparison.Ordinal) == true) ? " or (invalidly) to IP addresses" : "";
            return RouteResult.Decline($"all relevant MX records point to non-existent hosts{toIp}");
        }
        return RouteResult.Decline();
    }

    /// <summary>The <c>self</c> option (spec §2.6) when this host is the most preferred one.</summary>
    private static RouteResult Self(RouterConfig router, HostFindResult found, string domain)
    {
        var message = found.Hosts.Any(h => h.Mx >= 0) ? "lowest numbered MX record points to local host" : "remote host address is the local host";
        return router.Self switch
        {
            "send" => new RouteResult(RouteOutcome.Accepted, Transport: router.Transport, Hosts: found.Hosts),
            "pass" => new RouteResult(RouteOutcome.Pass),
            "fail" => new RouteResult(RouteOutcome.Failed, Message: message),
            "defer" or "freeze" => new RouteResult(RouteOutcome.Deferred, Message: message),
            _ => new RouteResult(RouteOutcome.Deferred, Message: $"{message} (self = {router.Self} is not available yet): {domain}"),
        };
    }
}
