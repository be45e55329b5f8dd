using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Net;
using Exim.Abstractions.Config;
using Exim.Abstractions.Matching;
using Exim.Mail.Matching;
using Exim.Mail.Resolution;

namespace Exim.Mail.Routing;

/// <summary>
/// One router's options as routing uses them, compiled once per <see cref="AddressRouter"/> rather than per address: its
/// <c>domains</c> and <c>local_parts</c> preconditions (null where unset: no condition), and for dnslookup the host
/// finding options and its domain lists (<c>mx_domains</c>, <c>fail_defer_domains</c>).
/// </summary>
internal sealed record CompiledRouter(RouterConfig Config, DomainList? Domains, LocalPartList? LocalParts, HostFindOptions? HostFind,
    Func<string, bool> MxDomains, Func<string, bool> FailDeferDomains)
{
    public static CompiledRouter Compile(RouterConfig router, EximConfig config, FrozenDictionary<string, DomainList> named,
        IReadOnlySet<IPAddress> localAddresses)
    {
        var main = config.Main;
        var domains = router.Domains.IsEmpty ? null : new DomainList(router.Domains, main.PrimaryHostname, named);
        LocalPartList? localParts = null;
        // The loader compiled the same list from the same files before it accepted the configuration.
        if (!router.LocalParts.IsEmpty && !LocalPartList.TryCreate(router.LocalParts, config.ListFiles, out localParts, out var error))
        {
            throw new InvalidOperationException($"{router.Name} router: {error}");
        }
        var hostFind = router.Driver != "dnslookup" ? null : new HostFindOptions
        {
            Ipv4Prefer = router.Ipv4Prefer,
            AllowMxToIp = router.AllowMxToIp,
            IgnoreTargetHosts = new HostList(router.IgnoreTargetHosts),
            LocalAddresses = [.. localAddresses],
            CnameLoops = main.DnsCnameLoops,
            SlowLookupLog = main.SlowLookupLog,
            SrvServices = router.CheckSrv is { Length: > 0 } srv ? [.. srv.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : [],
            MxFailDomain = Matcher(router.MxFailDomains, main, named),
            SrvFailDomain = Matcher(router.SrvFailDomains, main, named),
            AgainMeansNonexist = Matcher(main.DnsAgainMeansNonexist, main, named),
            DnssecRequest = Matcher(router.DnssecRequestDomains, main, named),
            DnssecRequire = Matcher(router.DnssecRequireDomains, main, named),
            TrustAa = Matcher(main.DnsTrustAa, main, named),
            QualifySingle = router.QualifySingle,
            SearchParents = router.SearchParents,
            TreatAsLocal = Matcher(main.HostsTreatAsLocal, main, named),
        };
        return new CompiledRouter(router, domains, localParts, hostFind, Matcher(router.MxDomains, main, named), Matcher(router.FailDeferDomains, main, named));
    }

    /// <summary>A domain list as a predicate; an empty list matches nothing.</summary>
    public static Func<string, bool> Matcher(ImmutableArray<string> domains, MainOptions main, FrozenDictionary<string, DomainList> named)
    {
        if (domains.IsEmpty) return static _ => false;
        return new DomainList(domains, main.PrimaryHostname, named).Matches;
    }
}
