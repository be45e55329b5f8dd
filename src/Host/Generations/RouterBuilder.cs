using Exim.Abstractions.Plugins;
using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Abstractions.Resolution;
using Exim.Abstractions.Routing;
using Exim.Host.Configuration;
using Exim.Host.Plugins;
using Exim.Mail.Resolution;
using Exim.Mail.Routing;
using Exim.Mail.Routing.Drivers;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Generations;

/// <summary>
/// Creates a generation's routers: each <c>[[routers]]</c> table is handed to the <see cref="IRouterDriver"/> registered
/// under its driver name (the host registers accept, dnslookup and manualroute in the same registry the plugins register
/// into, so a plugin can add a driver or replace one), which reads and checks its own options; keys neither the core nor
/// the driver read are unknown options. Every error is reported, with its place.
/// </summary>
internal static class RouterBuilder
{
    private static readonly string[] CoreKeys = [.. OptionTable.For<RouterConfig>().ByName.Keys, "verify", "fail_verify"];

    /// <summary>
    /// Registers the built-in router drivers under their names, unless a plugin registered that name (a plugin's driver
    /// replaces the host's). <paramref name="cache"/> is the process's DNS cache, in front of the generation's resolver.
    /// </summary>
    public static void RegisterBuiltIns(Dictionary<StrategyKey, object> strategies, MainOptions main, HostCache cache,
        IReadOnlyCollection<System.Net.IPAddress> localAddresses)
    {
        var dns = strategies.TryGetValue(new StrategyKey(typeof(IDnsRecordResolver), StrategyKeys.Dns), out var d) ? new CachingDnsResolver(cache, (IDnsRecordResolver)d) : null;
        var byname = strategies.TryGetValue(new StrategyKey(typeof(IAddressResolver), StrategyKeys.ByName), out var b) ? (IAddressResolver)b : null;
        RegisterBuiltIns(strategies, new RouterHostServices(main, dns, byname, localAddresses.ToHashSet(), Random.Shared));
    }

    /// <summary>Registers the built-in router drivers, with <paramref name="services"/>, under the names no plugin took.</summary>
    public static void RegisterBuiltIns(Dictionary<StrategyKey, object> strategies, RouterHostServices services)
    {
        strategies.TryAdd(new StrategyKey(typeof(IRouterDriver), RouterDriverNames.Accept), new AcceptRouterDriver());
        strategies.TryAdd(new StrategyKey(typeof(IRouterDriver), RouterDriverNames.DnsLookup), new DnsLookupRouterDriver(services));
        strategies.TryAdd(new StrategyKey(typeof(IRouterDriver), RouterDriverNames.ManualRoute), new ManualRouteRouterDriver(services));
    }

    /// <summary>
    /// An address router over <paramref name="loaded"/>'s routers with the built-in drivers and <paramref name="extra"/>
    /// ones, without a generation (tests, benchmarks); throws when a router cannot be created.
    /// </summary>
    public static AddressRouter Standalone(LoadedConfig loaded, RouterHostServices services, ILoggerFactory? loggerFactory = null,
        IReadOnlyDictionary<string, IRouterDriver>? extra = null)
    {
        var errors = new List<ConfigDiagnostic>();
        var factory = loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        var routers = BuildStandalone(loaded, services, factory, extra, errors);
        if (errors.Count > 0) throw new EximConfigException(errors[0]);
        return new AddressRouter(loaded.Config, routers, factory.CreateLogger("Exim.Routing"));
    }

    /// <summary>The routers of <paramref name="loaded"/> with the built-in drivers and <paramref name="extra"/> ones, without a generation.</summary>
    public static ImmutableArray<ConfiguredRouter> BuildStandalone(LoadedConfig loaded, RouterHostServices services, ILoggerFactory loggerFactory,
        IReadOnlyDictionary<string, IRouterDriver>? extra, List<ConfigDiagnostic> errors)
    {
        var strategies = new Dictionary<StrategyKey, object>();
        foreach (var (name, driver) in extra ?? new Dictionary<string, IRouterDriver>()) strategies[new StrategyKey(typeof(IRouterDriver), name)] = driver;
        RegisterBuiltIns(strategies, services);
        return Build(loaded, strategies, loggerFactory, errors);
    }

    public static ImmutableArray<ConfiguredRouter> Build(LoadedConfig loaded, IReadOnlyDictionary<StrategyKey, object> strategies,
        ILoggerFactory loggerFactory, List<ConfigDiagnostic> errors)
    {
        var result = ImmutableArray.CreateBuilder<ConfiguredRouter>(loaded.Routers.Length);
        var main = new MainOptionsView(loaded.Config);
        foreach (var (section, config) in loaded.Routers.Zip(loaded.Config.Routers))
        {
            var table = new DriverTable($"routers \"{section.Name}\"", section.Driver, section.ConfigPath, section.DriverPosition);
            if (table.Find<IRouterDriver>(strategies, errors) is not { } driver) continue;
            var options = new PluginOptions(section.ConfigPath, table.Where, section.Options, CoreKeys, anchor: "name");
            if (table.Create(options, () => driver.Create(new RouterDefinition(section.Name, config.Transport, options, main, loggerFactory)), errors) is { } router)
            {
                result.Add(new ConfiguredRouter(config, router));
            }
        }
        return result.ToImmutable();
    }
}
