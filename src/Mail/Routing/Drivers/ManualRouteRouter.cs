using System.Collections.Frozen;
using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Abstractions.Matching;
using Exim.Abstractions.Routing;
using Exim.Mail.Matching;
using Exim.Mail.Resolution;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Routing.Drivers;

/// <summary>
/// Exim's manualroute router (spec §2.9): the first <c>route_list</c> item whose pattern matches the domain (else
/// <c>route_data</c>, else decline) gives the hosts. They are shuffled within their <c>+</c> groups with
/// <c>randomize</c> (or <c>hosts_randomize</c>), then looked up in order. A host that cannot be found is handled by
/// <c>host_find_failed</c> (freeze, defer, fail, decline, pass, ignore); when every host was ignored,
/// <c>host_all_ignored</c> decides. A lookup that times out defers (or passes, with <c>pass_on_timeout</c>). This host
/// first in the list goes to <c>self</c>; later in the list it is cut with everything after it.
/// </summary>
internal sealed class ManualRouteRouter(ManualRouteRouter.Settings router, RouterHostServices services, ILogger? logger = null) : BuiltInRouter
{
    /// <summary>The router's options, checked when it was created.</summary>
    internal sealed record Settings(string Name, string? Transport, ImmutableArray<RouteListItem> RouteList, RouteListItem? RouteData,
        string HostFindFailed, string HostAllIgnored, bool HostsRandomize, bool Ipv4Only, bool Ipv4Prefer, ImmutableArray<string> IgnoreTargetHosts,
        string Self, bool PassOnTimeout, bool SameDomainCopyRouting);

    private readonly MainOptions _main = services.Main;
    private readonly FrozenDictionary<string, DomainList> _named = DomainList.NamedLists(services.Main);
    private readonly Random _random = services.Random;
    private readonly HostListResolver _resolver = new(services.Dns, services.ByName, services.Random, logger, services.Main.SlowLookupLog);

    public override async Task<RouteResult> RouteDetailedAsync(RoutingRequest request, CancellationToken cancellationToken)
    {
        var result = await RouteHostsAsync(request, cancellationToken).ConfigureAwait(false);
        return result.Outcome == RouteOutcome.Accepted ? result with { CopyToSameDomain = router.SameDomainCopyRouting } : result;
    }

    private async Task<RouteResult> RouteHostsAsync(RoutingRequest request, CancellationToken cancellationToken)
    {
        var domain = request.Domain;
        var item = router.RouteList.FirstOrDefault(i => new DomainList([i.Pattern], _main.PrimaryHostname, _named).Matches(domain)) ?? router.RouteData;
        if (item is null) return RouteResult.Decline();

        var list = HostListParser.Parse(item.Hosts);
        if (list.IsEmpty) return new RouteResult(RouteOutcome.Accepted, Transport: router.Transport, Hosts: []);
        if (item.Randomize ?? router.HostsRandomize) list = [.. list.OrderBy(h => h.Group * 1000 + _random.Next(1000))];

        var options = new HostFindOptions
        {
            ByMx = false,
            Ipv4Only = item.Ipv4Only || router.Ipv4Only || _main.DisableIpv6,
            Ipv4Prefer = item.Ipv4Prefer || router.Ipv4Prefer,
            IgnoreTargetHosts = new HostList(router.IgnoreTargetHosts),
            LocalAddresses = [.. services.LocalAddresses],
            CnameLoops = _main.DnsCnameLoops,
        };
        var hosts = ImmutableArray.CreateBuilder<HostItem>();
        var ignored = 0;
        foreach (var host in list)
        {
            var found = await _resolver.ResolveAsync(host, item.Lookup, options, cancellationToken).ConfigureAwait(false);
            switch (found.Status)
            {
                case HostFindStatus.Again:
                    return router.PassOnTimeout
                        ? new RouteResult(RouteOutcome.Pass)
                        : new RouteResult(RouteOutcome.Deferred, Message: $"host lookup for {host.Name} did not complete (DNS timeout?)");
                case HostFindStatus.Failed:
                    if (router.HostFindFailed == "ignore")
                    {
                        ignored++;
                        continue;
                    }
                    return Act(router.HostFindFailed, $"lookup of host \"{host.Name}\" failed in {router.Name} router");
                case HostFindStatus.FoundLocal when hosts.Count == 0:
                    return SelfAction.Apply(router.Self, router.Transport, found, domain, request.Address, request.MessageId, logger);
                case HostFindStatus.FoundLocal:
                    // This host later in the list: it and everything after it are cut.
                    return new RouteResult(RouteOutcome.Accepted, Transport: router.Transport, Hosts: hosts.ToImmutable()) { LocalHostRemoved = true };
            }
            hosts.AddRange(found.Hosts);
        }
        if (hosts.Count == 0 && ignored > 0)
        {
            return Act(router.HostAllIgnored, $"lookup failed for all hosts in {router.Name} router: host_find_failed=ignore host_all_ignored={router.HostAllIgnored}");
        }
        return new RouteResult(RouteOutcome.Accepted, Transport: router.Transport, Hosts: hosts.ToImmutable());
    }

    /// <summary>host_find_failed and host_all_ignored: what a failed lookup does.</summary>
    private static RouteResult Act(string action, string message) => action switch
    {
        "fail" => new RouteResult(RouteOutcome.Failed, Message: message),
        "decline" => RouteResult.Decline(message),
        "pass" => new RouteResult(RouteOutcome.Pass, Message: message),
        "defer" => new RouteResult(RouteOutcome.Deferred, Message: message),
        _ => new RouteResult(RouteOutcome.Deferred, Message: message, Freeze: true), // freeze, Exim's default
    };
}
