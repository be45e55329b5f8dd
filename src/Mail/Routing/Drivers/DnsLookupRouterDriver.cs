using Exim.Abstractions.Routing;
using Microsoft.Extensions.Logging;
using Exim.Abstractions.Matching;
using Exim.Mail.Matching;
using Exim.Mail.Resolution;

namespace Exim.Mail.Routing.Drivers;

/// <summary>
/// Exim's dnslookup router driver: reads and checks its options (check_srv, mx_domains, mx_fail_domains, srv_fail_domains,
/// qualify_single, search_parents, widen_domains, same_domain_copy_routing, check_secondary_mx, fail_defer_domains,
/// ipv4_only, ipv4_prefer, allow_mx_to_ip, rewrite_headers) and compiles them once per router.
/// </summary>
internal sealed class DnsLookupRouterDriver(RouterHostServices services) : IRouterDriver
{
    public IRouter Create(RouterDefinition definition)
    {
        var main = services.Main;
        var named = DomainList.NamedLists(main);
        var o = new RouterOptionReader(definition.Options);
        // Exim's default is true; header rewriting is not done here, so only false (or leaving it out) is accepted.
        if (o.Bool("rewrite_headers"))
        {
            throw o.Error("rewrite_headers",
                $"{definition.Name} router: rewrite_headers = true is not supported: header addresses are not rewritten when dnslookup expands a domain (set it to false or leave it out)");
        }
        var checkSrv = o.String("check_srv");
        var hostFind = new HostFindOptions
        {
            Ipv4Prefer = o.Bool("ipv4_prefer"),
            AllowMxToIp = o.Bool("allow_mx_to_ip"),
            IgnoreTargetHosts = new HostList(o.IgnoreTargetHosts),
            LocalAddresses = [.. services.LocalAddresses],
            CnameLoops = main.DnsCnameLoops,
            SlowLookupLog = main.SlowLookupLog,
            SrvServices = checkSrv is { Length: > 0 } srv ? [.. srv.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : [],
            MxFailDomain = CompiledRouter.Matcher(o.List("mx_fail_domains"), main, named),
            SrvFailDomain = CompiledRouter.Matcher(o.List("srv_fail_domains"), main, named),
            AgainMeansNonexist = CompiledRouter.Matcher(main.DnsAgainMeansNonexist, main, named),
            DnssecRequest = CompiledRouter.Matcher(o.DnssecRequestDomains, main, named),
            DnssecRequire = CompiledRouter.Matcher(o.DnssecRequireDomains, main, named),
            TrustAa = CompiledRouter.Matcher(main.DnsTrustAa, main, named),
            QualifySingle = o.Bool("qualify_single", true),
            SearchParents = o.Bool("search_parents"),
            TreatAsLocal = CompiledRouter.Matcher(main.HostsTreatAsLocal, main, named),
        };
        var settings = new DnsLookupRouter.Settings(definition.Name, definition.Transport, o.Self, o.PassOnTimeout, o.Bool("ipv4_only"),
            o.Bool("check_secondary_mx"), o.Bool("same_domain_copy_routing"), o.List("widen_domains"),
            CompiledRouter.Matcher(o.List("mx_domains"), main, named), CompiledRouter.Matcher(o.List("fail_defer_domains"), main, named),
            CompiledRouter.Matcher(main.DnsIpv4Lookup, main, named));
        return new DnsLookupRouter(settings, hostFind, services, definition.LoggerFactory.CreateLogger("Exim.Routing"));
    }
}
