using Exim.Abstractions.Plugins;
using System.Collections.Immutable;
using System.Net;
using Exim.Abstractions.Config;
using Exim.Mail.Matching;
using Exim.Abstractions.Resolution;
using Exim.Abstractions.Transports;
using Exim.Host.Plugins;
using Exim.Mail.Delivery;
using Exim.Mail.Resolution;
using Exim.Mail.Routing;
using Exim.Mail.Transports;
using Exim.Mail.Transports.Maildir;
using Exim.Mail.Transports.Smtp;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Transports;

/// <summary>
/// Registers the built-in transport drivers (<c>smtp</c>, <c>maildir</c>) in a generation's strategy registry, beside
/// the plugins' drivers; a plugin registering the same name is refused. Their transports get the generation's services:
/// the local addresses, the resolver plugins behind the builder's host cache, and the DNS settings of TLSA lookups.
/// </summary>
internal static class BuiltInTransports
{
    public static void Register(Dictionary<StrategyKey, object> strategies, IReadOnlyDictionary<StrategyKey, string> owners, EximConfig config,
        ImmutableArray<IPAddress> localAddresses, HostCache cache, ILoggerFactory loggerFactory, List<ConfigDiagnostic> errors)
    {
        var main = config.Main;
        var logger = loggerFactory.CreateLogger("Exim.Delivery");
        var dns = strategies.TryGetValue(new StrategyKey(typeof(IDnsRecordResolver), StrategyKeys.Dns), out var d) ? new CachingDnsResolver(cache, (IDnsRecordResolver)d) : null;
        var byname = strategies.TryGetValue(new StrategyKey(typeof(IAddressResolver), StrategyKeys.ByName), out var b) ? (IAddressResolver)b : null;
        var services = new DeliveryServices(new HostListResolver(dns, byname, Random.Shared, logger, main.SlowLookupLog), Pool: null);
        var dnsSettings = DnsSettings(main, logger);
        var local = localAddresses.ToHashSet();
        Add(TransportDriverNames.Smtp, c => new SmtpTransport(c, main.PrimaryHostname, local, services, Random.Shared, dnsSettings, logger, TimeProvider.System));
        Add(TransportDriverNames.Maildir, c => new MaildirTransport(c, main.PrimaryHostname, TimeProvider.System));

        void Add(string name, Func<TransportConfig, ITransport> create)
        {
            var key = new StrategyKey(typeof(ITransportDriver), name);
            if (owners.TryGetValue(key, out var owner))
            {
                errors.Add(new ConfigDiagnostic(config.SourcePath, 0, 0, $"plugin \"{owner}\" registers the transport driver \"{name}\", which is built in"));
                return;
            }
            strategies[key] = new BuiltInTransportDriver(name, create);
        }
    }

    /// <summary>The smtp transport's TLSA lookups follow CNAMEs and trust AA answers as the routers' lookups do (CompiledRouter).</summary>
    private static DnsLookupSettings DnsSettings(MainOptions main, ILogger logger)
        => new(main.DnsCnameLoops, TrustAa: CompiledRouter.Matcher(main.DnsTrustAa, main, DomainList.NamedLists(main)))
        {
            Logger = logger,
            SlowLookupLog = main.SlowLookupLog,
        };
}
