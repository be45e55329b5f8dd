using System.Collections.Immutable;
using Exim.Abstractions.Routing;
using Exim.Mail.Resolution;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Routing.Drivers;

/// <summary>
/// One dnslookup router: finds the hosts with <see cref="HostFinder"/> and maps the result as spec §2.7 does. A domain
/// the DNS knows by another name (qualify_single, search_parents, widen_domains) or <c>self = reroute:</c> makes a child
/// address at the new domain (Exim's REROUTED), which the core routes again from the first router.
/// </summary>
internal sealed class DnsLookupRouter(DnsLookupRouter.Settings settings, HostFindOptions hostFind, RouterHostServices services, ILogger logger) : BuiltInRouter
{
    /// <summary>The router's options other than the host finding ones.</summary>
    internal sealed record Settings(string Name, string? Transport, string Self, bool PassOnTimeout, bool Ipv4Only, bool CheckSecondaryMx,
        bool SameDomainCopyRouting, ImmutableArray<string> WidenDomains, Func<string, bool> MxDomains, Func<string, bool> FailDeferDomains,
        Func<string, bool> Ipv4Lookup);

    public override async Task<RouteResult> RouteDetailedAsync(RoutingRequest request, CancellationToken cancellationToken)
    {
        if (services.Dns is not { } dns)
        {
            return new RouteResult(RouteOutcome.Deferred, Message: "no DNS resolver plugin is loaded (a plugin registering IDnsRecordResolver \"dns\")");
        }
        var (address, domain) = (request.Address, request.Domain);
        var finder = new HostFinder(dns, services.Random, logger);
        HostFindResult? found = null;
        foreach (var name in WidenedNames(domain))
        {
            var attempt = hostFind with { Ipv4Only = settings.Ipv4Only || services.Main.DisableIpv6 || settings.Ipv4Lookup(name) };
            found = await finder.FindByDnsAsync(name, attempt, cancellationToken).ConfigureAwait(false);
            // mx_domains: an answer from address records alone counts as not found.
            if (found.Status is HostFindStatus.Found or HostFindStatus.FoundLocal && found.Hosts.All(h => h.Mx < 0) && settings.MxDomains(found.Fqdn))
            {
                found = found with { Status = HostFindStatus.Failed, Hosts = [] };
            }
            switch (found.Status)
            {
                case HostFindStatus.Security:
                    return new RouteResult(RouteOutcome.Deferred, Message: "host lookup done insecurely");
                case HostFindStatus.Again:
                    return settings.PassOnTimeout ? new RouteResult(RouteOutcome.Pass) : new RouteResult(RouteOutcome.Deferred, Message: "host lookup did not complete");
                case HostFindStatus.Failed:
                    if (Failed(found, name) is { } final) return final;
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
            patched = $"{RouterResults.RawLocalPart(address)}@{found.Fqdn}";
        }
        if (found.Status == HostFindStatus.FoundLocal)
        {
            var self = SelfAction.Apply(settings.Self, settings.Transport, found, domain, address, request.MessageId, logger);
            return self with { Address = patched, CopyToSameDomain = settings.SameDomainCopyRouting };
        }
        if (settings.CheckSecondaryMx && !found.RemovedLocal) return RouteResult.Decline();
        return new RouteResult(RouteOutcome.Accepted, Transport: settings.Transport, Hosts: found.Hosts)
        {
            Address = patched,
            LocalHostRemoved = found.RemovedLocal,
            CopyToSameDomain = settings.SameDomainCopyRouting,
        };
    }

    /// <summary>
    /// The names dnslookup tries (spec §2.7): the domain, then the domain with each widen_domains suffix; except that
    /// a one-component domain without qualify_single is tried widened first and as it is last (Exim's post_widen).
    /// </summary>
    private IEnumerable<string> WidenedNames(string domain)
    {
        var widened = settings.WidenDomains.Select(w => w.Trim().Trim('.')).Where(w => w.Length > 0).Select(w => $"{domain}.{w}");
        var lastAsItIs = !settings.WidenDomains.IsEmpty && !hostFind.QualifySingle && !domain.Contains('.', StringComparison.Ordinal);
        return lastAsItIs ? [.. widened, domain] : [domain, .. widened];
    }

    /// <summary>A failed lookup with a message of its own ends routing by this router; null for a plain "not found".</summary>
    private RouteResult? Failed(HostFindResult found, string name)
    {
        // IMPROVE (RFC 7505): a lone null MX is a permanent failure, not a decline another router might override.
        if (found.NullMx) return new RouteResult(RouteOutcome.Failed, Message: "an MX or SRV record indicated no SMTP service");
        if (found.SyntaxError) return RouteResult.Decline($"mail domain \"{name}\" is syntactically invalid");
        if (settings.FailDeferDomains(found.Fqdn))
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
}
