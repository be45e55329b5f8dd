using System.Collections.Frozen;
using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Abstractions.Matching;
using Exim.Mail.Matching;
using Exim.Abstractions.Routing;

namespace Exim.Mail.Routing;

/// <summary>
/// One router as routing uses it, compiled once per <see cref="AddressRouter"/> rather than per address: its generic
/// options, the driver's router, and its <c>domains</c> and <c>local_parts</c> preconditions (null where unset: no condition).
/// </summary>
internal sealed record CompiledRouter(RouterConfig Config, IRouter Router, DomainList? Domains, LocalPartList? LocalParts)
{
    public static CompiledRouter Compile(ConfiguredRouter configured, EximConfig config, FrozenDictionary<string, DomainList> named)
    {
        var (router, main) = (configured.Config, config.Main);
        var domains = router.Domains.IsEmpty ? null : new DomainList(router.Domains, main.PrimaryHostname, named);
        LocalPartList? localParts = null;
        // The loader compiled the same list from the same files before it accepted the configuration.
        if (!router.LocalParts.IsEmpty && !LocalPartList.TryCreate(router.LocalParts, config.ListFiles, out localParts, out var error))
        {
            throw new InvalidOperationException($"{router.Name} router: {error}");
        }
        return new CompiledRouter(router, configured.Router, domains, localParts);
    }

    /// <summary>A domain list as a predicate; an empty list matches nothing.</summary>
    public static Func<string, bool> Matcher(ImmutableArray<string> domains, MainOptions main, FrozenDictionary<string, DomainList> named)
    {
        if (domains.IsEmpty) return static _ => false;
        return new DomainList(domains, main.PrimaryHostname, named).Matches;
    }
}
