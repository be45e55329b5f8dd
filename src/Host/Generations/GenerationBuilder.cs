using System.Collections.Frozen;
using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Abstractions.Interfaces;
using Exim.Abstractions.Plugins;
using Exim.Abstractions.Policy;
using Exim.Host.Listeners;
using Exim.Host.Log;
using Exim.Host.Configuration;
using Exim.Host.Plugins;
using Exim.Host.Scripting;
using Exim.Mail.Smtp.Tls;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Generations;

/// <summary>
/// Builds a generation from a validated configuration: loads every plugin into a fresh load context and merges
/// their strategies, then compiles the hook scripts. Either everything succeeds or nothing is kept: on any error the plugins already loaded
/// for this attempt are unloaded again and the running generation is untouched.
/// </summary>
internal sealed partial class GenerationBuilder(ILoggerFactory loggerFactory, string? listenOverride = null)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Exim.Host.Generations");

    /// <summary>The built-in smtp transport's own host lookups (a delivering process lends its own); holds no plugin objects.</summary>
    private readonly Mail.Resolution.HostCache _hostCache = new(TimeProvider.System);
    private long _lastNumber;

    /// <summary>
    /// Whether generations read and check the server's TLS certificates: only the daemon serves TLS, so a queue runner,
    /// a delivery or <c>-bt</c> never fails for a key it cannot read or a certificate that has just expired.
    /// </summary>
    public bool ServerTls { get; init; }

    /// <summary>
    /// Whether the plugins of the generation built at start-up (without a current one) are loaded for good, into load
    /// contexts that are never unloaded, where the runtime runs their ReadyToRun code instead of JIT-compiling them (it
    /// ignores ReadyToRun code in collectible contexts): for processes that never reload (queue runners, deliveries,
    /// -bt, -bV, ...). The plugins of later generations are collectible whatever this says, so a reload still swaps them.
    /// </summary>
    public bool KeepFirstPlugins { get; init; }

    /// <summary>The DNS cache in front of each generation's resolver plugin for routing: the process's, shared by every generation.</summary>
    public Mail.Resolution.HostCache RoutingCache { get; init; } = new(TimeProvider.System);

    /// <param name="loaded">The configuration.</param>
    /// <param name="current">The generation in force, or null at start-up.</param>
    public async Task<GenerationBuildResult> BuildAsync(LoadedConfig loaded, Generation? current = null)
    {
        var errors = new List<ConfigDiagnostic>();
        // Certificates are read with every generation, so SIGHUP and a renewal on disk both pick up new ones, and a
        // bad one (unreadable, the wrong key, expired while the old one is still good) fails the build and the old
        // generation keeps serving.
        var tls = ServerTls
            ? TlsServerCredentials.Load(loaded.Config.Main, DateTimeOffset.UtcNow, (key, message) => errors.Add(loaded.AtMainOption(key, message)),
                message => CertificateOutOfDate(_logger, message), current?.Tls)
            : null;
        _ = Metrics.PrometheusEndpoint.Parse(loaded.Config.Main, out var metricsError);
        if (metricsError is not null) errors.Add(loaded.AtMainOption(Metrics.PrometheusEndpoint.Option, metricsError));
        if (!Exim.Mail.Logging.LogSelection.TryParse(loaded.Config.Main.LogSelector, out _, out var selectorError))
        {
            errors.Add(loaded.AtMainOption("log_selector", selectorError));
        }
        else if (Exim.Mail.Logging.LogSelection.WithoutEffect(loaded.Config.Main.LogSelector) is { Count: > 0 } ineffective)
        {
            LogSelectorWithoutEffect(_logger, loaded.AtMainOption("log_selector", "").ToString().TrimEnd(' ', ':'), string.Join(' ', ineffective));
        }
        if (Log.SyslogTarget.FacilityCode(loaded.Config.Main.SyslogFacility) is null)
        {
            errors.Add(loaded.AtMainOption("syslog_facility", $"syslog_facility: unknown facility \"{loaded.Config.Main.SyslogFacility}\""));
        }
        Lifetime.StartupTrace.Mark("tls, metrics, log options");
        // The plugins load side by side, and the hook scripts (which need no plugin) load meanwhile: a build takes as
        // long as its slowest part rather than the sum (issue 14's start-up target). Their results are taken in the
        // configuration's order, so errors, strategies and log lines name them as before.
        var number = Interlocked.Read(ref _lastNumber) + 1; // claimed below only when the build succeeds
        var hookErrors = new List<ConfigDiagnostic>();
        // Loading the hooks is part of the generation's life (quiet in runners and testing modes); running them is not.
        var hooksBuilt = Task.Run(() =>
        {
            var built = HookSetBuilder.Build(loaded.Config, number, loggerFactory.CreateLogger("Exim.Host.Generations.Hooks"), hookErrors);
            Lifetime.StartupTrace.Mark("hooks");
            return built;
        });
        var collectible = current is not null || !KeepFirstPlugins;
        var loads = loaded.PluginSections.Select(section => Task.Run(() =>
        {
            var result = PluginCatalog.Load(section, loaded.Config, loggerFactory, collectible);
            Lifetime.StartupTrace.Mark("plugin " + section.Name);
            return result;
        })).ToArray();
        var plugins = ImmutableArray.CreateBuilder<LoadedPlugin>();
        foreach (var result in await Task.WhenAll(loads).ConfigureAwait(false))
        {
            if (result.Plugin is null) errors.AddRange(result.Errors);
            else plugins.Add(result.Plugin);
        }

        var strategies = new Dictionary<StrategyKey, object>();
        var owners = new Dictionary<StrategyKey, string>();
        foreach (var plugin in plugins)
        {
            foreach (var (key, strategy) in plugin.Strategies)
            {
                if (owners.TryGetValue(key, out var owner))
                {
                    errors.Add(new ConfigDiagnostic(loaded.Config.SourcePath, 0, 0,
                        $"{key} is registered by both plugin \"{owner}\" and plugin \"{plugin.Name}\""));
                    continue;
                }
                owners[key] = plugin.Name;
                strategies[key] = strategy;
            }
        }

        if (errors.Count == 0) CheckPolicyOrder(loaded, owners, errors);
        var authenticators = errors.Count == 0 ? AuthenticatorBuilder.Build(loaded, strategies, loggerFactory, errors) : [];

        var localAddresses = ImmutableArray<System.Net.IPAddress>.Empty;
        if (errors.Count == 0)
        {
            try
            {
                var scanner = strategies.TryGetValue(new StrategyKey(typeof(IInterfaceScanner), StrategyKeys.Interfaces), out var s) ? (IInterfaceScanner)s : null;
                localAddresses = await LocalInterfaces.BuildAsync(loaded.Config.Main, listenOverride, scanner, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                errors.Add(new ConfigDiagnostic(loaded.Config.SourcePath, 0, 0, $"interface scan failed: {e.GetType().Name}: {e.Message}"));
            }
        }

        var transports = FrozenDictionary<string, Mail.Delivery.ConfiguredTransport>.Empty;
        var routers = ImmutableArray<Mail.Routing.ConfiguredRouter>.Empty;
        if (errors.Count == 0)
        {
            Transports.BuiltInTransports.Register(strategies, owners, loaded.Config, localAddresses, _hostCache, loggerFactory, errors);
            transports = TransportBuilder.Build(loaded, strategies, loggerFactory, errors);
            RouterBuilder.RegisterBuiltIns(strategies, loaded.Config.Main, RoutingCache, localAddresses);
            routers = RouterBuilder.Build(loaded, strategies, loggerFactory, errors);
        }
        Lifetime.StartupTrace.Mark("authenticators, interfaces, transports, routers");

        // The hooks' errors count only when nothing else failed, as when they were compiled last.
        var hooks = await hooksBuilt.ConfigureAwait(false);
        if (errors.Count == 0)
        {
            errors.AddRange(hookErrors);
        }
        else
        {
            foreach (var _ in hooks.Unload()) { }
            hooks = HookSet.Empty;
        }

        if (errors.Count > 0)
        {
            foreach (var plugin in plugins)
            {
                try { await plugin.UnloadAsync().ConfigureAwait(false); }
                catch (Exception e) { errors.Add(new ConfigDiagnostic(loaded.Config.SourcePath, 0, 0, $"plugin \"{plugin.Name}\" failed to dispose: {e.Message}")); }
            }
            return new GenerationBuildResult(null, [.. errors]);
        }

        number = Interlocked.Increment(ref _lastNumber);
        var generation = new Generation(number, loaded, plugins.ToImmutable(), new StrategyRegistry(strategies.ToFrozenDictionary()), localAddresses, hooks)
        {
            Tls = tls,
            Authenticators = authenticators,
            Transports = transports,
            Routers = routers,
        };
        return new GenerationBuildResult(generation, []);
    }

    /// <summary>
    /// <c>[hooks] order</c> against the stage policies the plugins registered: every name must be <c>"script"</c> or a
    /// registered policy, and every registered policy must be named (a policy nobody placed would never decide anything).
    /// </summary>
    private static void CheckPolicyOrder(LoadedConfig loaded, Dictionary<StrategyKey, string> owners, List<ConfigDiagnostic> errors)
    {
        var order = loaded.Config.Hooks.Order;
        var registered = owners.Where(o => o.Key.Strategy == typeof(IStagePolicy)).ToDictionary(o => o.Key.Key, o => o.Value, StringComparer.Ordinal);
        foreach (var name in order)
        {
            if (name != HooksConfig.Scripts && !registered.ContainsKey(name))
            {
                errors.Add(loaded.AtHooksOrder($"invalid value for \"order\" in [hooks]: no plugin registers a stage policy \"{name}\" (the names are \"{HooksConfig.Scripts}\" and the plugins' IStagePolicy keys{(registered.Count == 0 ? ", and none is loaded" : ": " + string.Join(", ", registered.Keys.Order(StringComparer.Ordinal)))})"));
            }
        }
        foreach (var (key, plugin) in registered.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            if (!order.Contains(key)) errors.Add(loaded.AtHooksOrder($"plugin \"{plugin}\" registers the stage policy \"{key}\", which [hooks] order does not name: add it where it should decide"));
        }
    }

    [LoggerMessage(EventIds.LogSelectorWithoutEffect, LogLevel.Warning, "{Where}: log_selector items accepted for Exim's sake that change nothing in this version: {Items}")]
    private static partial void LogSelectorWithoutEffect(ILogger logger, string where, string items);

    [LoggerMessage(EventIds.TlsCertificateOutOfDate, LogLevel.Error, "{Message}")]
    private static partial void CertificateOutOfDate(ILogger logger, string message);
}
