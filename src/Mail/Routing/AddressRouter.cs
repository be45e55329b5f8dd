using System.Collections.Immutable;
using System.Net;
using Exim.Abstractions.Config;
using Exim.Abstractions.Resolution;
using Exim.Mail.Matching;
using Exim.Mail.Resolution;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Routing;

/// <summary>
/// Routes an address through the configured routers in order (Exim's route_address): each router's <c>domains</c>
/// and <c>local_parts</c> preconditions, then its driver. <c>accept</c> routes to its transport; <c>dnslookup</c>
/// finds the hosts with <see cref="HostFinder"/> and maps the result as spec §2.7 does. When every router declines,
/// the address fails with the last router's message, else the <c>cannot_route_message</c> of the last router reached,
/// else "Unrouteable address". A router that reroutes (the DNS
/// renamed the domain, a widen_domains suffix was needed, or <c>self = reroute:</c>) makes a child address at the
/// new domain, which is routed again from the first router, as Exim routes its new child addresses.
/// Verification routes the same way with Exim's router selection (<see cref="VerifyMode"/>): <c>verify_only</c> routers
/// run only then, and routers without <c>verify_recipient</c> or <c>verify_sender</c> are skipped for that kind.
/// Each router's options are compiled once (<see cref="CompiledRouter"/>), so one instance serves any number of addresses.
/// </summary>
internal sealed class AddressRouter(EximConfig config, IDnsRecordResolver? dns, IReadOnlySet<IPAddress> localAddresses, Random random,
    IAddressResolver? byname = null, ILogger? logger = null)
{
    /// <summary>
    /// Exim has no limit of its own for a chain of reroutes (two domains whose self options reroute to each other
    /// loop); we defer the address after this many. IMPROVE.
    /// </summary>
    internal const int MaxReroutes = 20;

    private readonly MainOptions _main = config.Main;
    private readonly ManualRouteRouter _manual = new(config.Main, DomainList.NamedLists(config.Main), dns, byname, localAddresses, random, logger);
    private readonly ImmutableArray<CompiledRouter> _routers = Compile(config, localAddresses);
    private readonly Func<string, bool> _ipv4Lookup = CompiledRouter.Matcher(config.Main.DnsIpv4Lookup, config.Main, DomainList.NamedLists(config.Main));

    private static ImmutableArray<CompiledRouter> Compile(EximConfig config, IReadOnlySet<IPAddress> localAddresses)
    {
        var named = DomainList.NamedLists(config.Main);
        return [.. config.Routers.Select(r => CompiledRouter.Compile(r, config, named, localAddresses))];
    }

    /// <summary>Routes one address for a delivery or -bt, following reroutes to the child address that is finally routed.</summary>
    /// <param name="address">The address.</param>
    /// <param name="messageId">The message being delivered, for log lines; null when only routing (-bt).</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    public Task<RouteResult> RouteAsync(string address, string? messageId, CancellationToken cancellationToken)
        => RouteAsync(address, messageId, VerifyMode.None, cancellationToken);

    /// <summary>Routes one address, following reroutes to the child address that is finally routed.</summary>
    /// <param name="address">The address.</param>
    /// <param name="messageId">The message being delivered, for log lines; null when only routing (-bt) or verifying.</param>
    /// <param name="verify">Whether this is a verification, and of what: it selects the routers that run.</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    public async Task<RouteResult> RouteAsync(string address, string? messageId, VerifyMode verify, CancellationToken cancellationToken)
    {
        var parents = ImmutableArray<string>.Empty;
        var current = address;
        for (var hop = 0; ; hop++)
        {
            var result = await RouteOnceAsync(current, messageId, verify, cancellationToken).ConfigureAwait(false);
            if (result.Outcome != RouteOutcome.Rerouted) return result with { Address = result.Address ?? current, Parents = parents };
            if (hop == MaxReroutes)
            {
                return new RouteResult(RouteOutcome.Deferred, result.Router, Message: $"more than {MaxReroutes} reroutes (a self = reroute: loop?)")
                {
                    Address = current,
                    Parents = parents,
                };
            }
            parents = parents.Insert(0, current);
            current = $"{RawLocalPart(current)}@{result.NewDomain}";
        }
    }

    /// <summary>
    /// Routes several addresses in order. When the router that accepted an address has <c>same_domain_copy_routing</c>
    /// and gave it hosts, the later addresses of the same domain get a copy of that routing (router, transport and
    /// host list) without being routed or resolved again, as Exim copies it to the other new addresses of the
    /// message. As in Exim, nothing checks that the router's preconditions on local parts would have held for them.
    /// </summary>
    public async Task<ImmutableArray<RouteResult>> RouteManyAsync(IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        var results = ImmutableArray.CreateBuilder<RouteResult>(addresses.Count);
        var copies = new Dictionary<string, RouteResult>(StringComparer.OrdinalIgnoreCase);
        foreach (var address in addresses)
        {
            if (copies.TryGetValue(Domain(address), out var routed))
            {
                results.Add(routed with { Address = address, Parents = [], Copied = true });
                continue;
            }
            var result = await RouteAsync(address, null, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            if (result is { Outcome: RouteOutcome.Accepted, HostList.IsEmpty: false }
                && config.Routers.FirstOrDefault(r => r.Name == result.Router) is { SameDomainCopyRouting: true })
            {
                copies.TryAdd(Domain(result.Address ?? address), result);
            }
        }
        return results.MoveToImmutable();
    }

    /// <summary>The domain routing works on: lowercased, as Exim's addr->domain always is (the address keeps its case).</summary>
    private string Domain(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? _main.QualifyRecipient : address[(at + 1)..].ToLowerInvariant();
    }

    /// <summary>The local part as the address spells it, quotes and all (what a new address at another domain keeps).</summary>
    private static string RawLocalPart(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? address : address[..at];
    }

    /// <summary>One pass through the routers; may end in <see cref="RouteOutcome.Rerouted"/>.</summary>
    private async Task<RouteResult> RouteOnceAsync(string address, string? messageId, VerifyMode verify, CancellationToken cancellationToken)
    {
        var (local, domain) = (RawLocalPart(address), Domain(address));
        var localPart = LocalPart.Of(address); // $local_part: what local_parts matches
        string? lastMessage = null;
        foreach (var compiled in _routers)
        {
            var router = compiled.Config;
            if (Skipped(router, verify)) continue;
            if (compiled.Domains is { } domains && !domains.Matches(domain)) continue;
            if (compiled.LocalParts is { } localParts)
            {
                try
                {
                    if (!localParts.Matches(localPart)) continue;
                }
                catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
                {
                    return new RouteResult(RouteOutcome.Deferred, router.Name, Message: "local_parts check lookup or other defer");
                }
            }
            var result = router.Driver switch
            {
                "accept" => new RouteResult(RouteOutcome.Accepted, router.Name, router.Transport),
                "dnslookup" => await DnsLookupAsync(compiled, address, messageId, local, domain, cancellationToken).ConfigureAwait(false),
                "manualroute" => await _manual.RouteAsync(router, domain, (r, found) => Self(r, found, domain, address, messageId), cancellationToken).ConfigureAwait(false),
                _ => new RouteResult(RouteOutcome.Deferred, router.Name, Message: $"the {router.Driver} router driver is not available yet"),
            };
            // fail_verify: an address this router takes (or passes on) fails verification.
            if (result.Outcome is RouteOutcome.Accepted or RouteOutcome.Pass
                && (verify == VerifyMode.Recipient && router.FailVerifyRecipient || verify == VerifyMode.Sender && router.FailVerifySender))
            {
                return new RouteResult(RouteOutcome.Failed, router.Name, Message: $"{router.Name} router forced verify failure");
            }
            switch (result.Outcome)
            {
                case RouteOutcome.Accepted:
                    return result with { Router = router.Name, FallbackHosts = router.FallbackHosts };
                case RouteOutcome.Deferred or RouteOutcome.Failed or RouteOutcome.Rerouted:
                    return result with { Router = router.Name };
                case RouteOutcome.Declined:
                    lastMessage = result.Message ?? lastMessage;
                    if (!router.More) return new RouteResult(RouteOutcome.Failed, Message: lastMessage ?? CannotRoute(router));
                    break;
            }
        }
        // Exim's addr->router is the last router the loop came to, skipped or not: here, the last one.
        return new RouteResult(RouteOutcome.Failed, Message: lastMessage ?? CannotRoute(config.Routers.LastOrDefault()));
    }

    /// <summary>Exim's check_router_conditions, first part: whether this kind of routing runs the router at all.</summary>
    private static bool Skipped(RouterConfig router, VerifyMode verify) => verify switch
    {
        VerifyMode.None => router.VerifyOnly,
        VerifyMode.Recipient => !router.VerifyRecipient,
        _ => !router.VerifySender,
    };

    /// <summary>
    /// No more routers (all tried, or one with <c>more = false</c> declined): the message, from the last router reached.
    /// The result names no router, as Exim clears addr->router then, so the <c>**</c> line has no <c>R=</c>.
    /// </summary>
    private static string CannotRoute(RouterConfig? router) => router?.CannotRouteMessage ?? "Unrouteable address";

    private async Task<RouteResult> DnsLookupAsync(CompiledRouter compiled, string address, string? messageId, string local, string domain,
        CancellationToken cancellationToken)
    {
        if (dns is null) return new RouteResult(RouteOutcome.Deferred, Message: "no DNS resolver plugin is loaded (a plugin registering IDnsRecordResolver \"dns\")");
        var (router, options) = (compiled.Config, compiled.HostFind!);
        var finder = new HostFinder(dns, random, logger);
        HostFindResult? found = null;
        foreach (var name in WidenedNames(router, domain))
        {
            var attempt = options with { Ipv4Only = router.Ipv4Only || _main.DisableIpv6 || _ipv4Lookup(name) };
            found = await finder.FindByDnsAsync(name, attempt, cancellationToken).ConfigureAwait(false);
            // mx_domains: an answer from address records alone counts as not found.
            if (found.Status is HostFindStatus.Found or HostFindStatus.FoundLocal && found.Hosts.All(h => h.Mx < 0)
                && compiled.MxDomains(found.Fqdn))
            {
                found = found with { Status = HostFindStatus.Failed, Hosts = [] };
            }
            switch (found.Status)
            {
                case HostFindStatus.Security:
                    return new RouteResult(RouteOutcome.Deferred, Message: "host lookup done insecurely");
                case HostFindStatus.Again:
                    return router.PassOnTimeout ? new RouteResult(RouteOutcome.Pass) : new RouteResult(RouteOutcome.Deferred, Message: "host lookup did not complete");
                case HostFindStatus.Failed:
                    if (Failed(found, compiled, name) is { } final) return final;
                    continue; // a plain "not found": the next widen_domains suffix
            }
            break;
        }
        if (found is null or { Status: HostFindStatus.Failed }) return RouteResult.Decline();

        // The domain as the DNS knows it: a change of case patches the address; anything else (qualify_single,
        // search_parents, widen_domains) makes a child address at the new domain, routed afresh (REROUTED).
        // rewrite_headers would rewrite the message's headers too; -bt and routing have none to rewrite.
        string? patched = null;
        if (!string.Equals(found.Fqdn, domain, StringComparison.Ordinal))
        {
            if (!string.Equals(found.Fqdn, domain, StringComparison.OrdinalIgnoreCase)) return RouteResult.Reroute(found.Fqdn);
            patched = $"{local}@{found.Fqdn}";
        }
        if (found.Status == HostFindStatus.FoundLocal) return Self(router, found, domain, address, messageId) with { Address = patched };
        if (router.CheckSecondaryMx && !found.RemovedLocal) return RouteResult.Decline();
        return new RouteResult(RouteOutcome.Accepted, Transport: router.Transport, Hosts: found.Hosts) { Address = patched, LocalHostRemoved = found.RemovedLocal };
    }

    /// <summary>
    /// The names dnslookup tries (spec §2.7): the domain, then the domain with each widen_domains suffix; except that
    /// a one-component domain without qualify_single is tried widened first and as it is last (Exim's post_widen).
    /// </summary>
    private static IEnumerable<string> WidenedNames(RouterConfig router, string domain)
    {
        var widened = router.WidenDomains.Select(w => w.Trim().Trim('.')).Where(w => w.Length > 0).Select(w => $"{domain}.{w}");
        var lastAsItIs = !router.WidenDomains.IsEmpty && !router.QualifySingle && !domain.Contains('.', StringComparison.Ordinal);
        return lastAsItIs ? [.. widened, domain] : [domain, .. widened];
    }

    /// <summary>A failed lookup with a message of its own ends routing by this router; null for a plain "not found".</summary>
    private static RouteResult? Failed(HostFindResult found, CompiledRouter router, string name)
    {
        // IMPROVE (RFC 7505): a lone null MX is a permanent failure, not a decline another router might override.
        if (found.NullMx) return new RouteResult(RouteOutcome.Failed, Message: "an MX or SRV record indicated no SMTP service");
        if (found.SyntaxError) return RouteResult.Decline($"mail domain \"{name}\" is syntactically invalid");
        if (router.FailDeferDomains(found.Fqdn))
        {
            return new RouteResult(RouteOutcome.Deferred, Message: "missing MX, or all MXs point to missing A records, and defer requested");
        }
        if (found.Hosts.Length > 0 && found.Hosts[0] is { Mx: >= 0, Address: null } first)
        {
            if (first.Name.Length == 0) return RouteResult.Decline("an MX or SRV record indicated no SMTP service");
            var toIp = found.Hosts.Any(h => h.Why?.Contains("IP address", StringComparison.Ordinal) == true) ? " or (invalidly) to IP addresses" : "";
            return RouteResult.Decline($"all relevant MX records point to non-existent hosts{toIp}");
        }
        return null;
    }

    /// <summary>
    /// The <c>self</c> option (spec §2.6) when this host is the most preferred one. <c>reroute:&lt;domain&gt;</c> and
    /// <c>reroute:rewrite:&lt;domain&gt;</c> replace the address's domain and route the child from the first router
    /// (Exim's rf_change_domain); <c>rewrite:</c> would also rewrite the message's headers, which routing alone has not.
    /// A freeze is logged (rf_self_action): with the message id during a delivery, else naming the address being routed.
    /// </summary>
    private RouteResult Self(RouterConfig router, HostFindResult found, string domain, string address, string? messageId)
    {
        var message = found.Hosts.Any(h => h.Mx >= 0) ? "lowest numbered MX record points to local host" : "remote host address is the local host";
        if (SelfReroute.TryParse(router.Self, out var reroute)) return RouteResult.Reroute(reroute.Domain);
        if (router.Self == "freeze" && logger is not null)
        {
            if (messageId is null) RoutingLog.SelfFreezeRouting(logger, message, domain, address);
            else RoutingLog.SelfFreeze(logger, messageId, message, domain);
        }
        return router.Self switch
        {
            "send" => new RouteResult(RouteOutcome.Accepted, Transport: router.Transport, Hosts: found.Hosts),
            "pass" => new RouteResult(RouteOutcome.Pass),
            "fail" => new RouteResult(RouteOutcome.Failed, Message: message),
            "defer" => new RouteResult(RouteOutcome.Deferred, Message: message),
            "freeze" => new RouteResult(RouteOutcome.Deferred, Message: message, Freeze: true),
            _ => new RouteResult(RouteOutcome.Deferred, Message: $"{message} (unknown self value \"{router.Self}\"): {domain}"),
        };
    }
}
