using Exim.Host.Generations;
using Exim.Host.Hints;
using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Lifetime;

/// <summary>
/// The long-lived core of one exim process: logging, the generation store, the reloader and the hints stores. Commands that need
/// a generation (-bd, -bV) create one of these; it outlives every generation it publishes.
/// </summary>
internal sealed class Core : IAsyncDisposable
{
    private Core(string configPath, bool debug, TimeSpan unloadGrace, string? listenOverride, LogRouting logRouting, bool quietLifecycle, bool serverTls,
        bool reloads)
    {
        Sink = new EximLogSink(debug, logRouting);
        // The factory and its filters built directly, not through LoggerFactory.Create, which builds a dependency-injection
        // container for them: about a hundred methods JIT-compiled at every process's start in a build that is not
        // composite ReadyToRun, a few milliseconds in one that is (issue 14's start-up target), for nothing.
        var filters = new LoggerFilterOptions { MinLevel = debug ? LogLevel.Debug : LogLevel.Information };
        if (quietLifecycle && !debug)
        {
            // A queue runner or delivery process logs its own work only, as Exim's do, not its configuration's life.
            filters.Rules.Add(new LoggerFilterRule(providerName: null, "Exim.Host.Generations", LogLevel.Warning, filter: null));
        }
        LoggerFactory = new Microsoft.Extensions.Logging.LoggerFactory([new EximLoggerProvider(Sink)], filters);
        Unloads = new UnloadTracker(LoggerFactory.CreateLogger<UnloadTracker>(), unloadGrace);
        Store = new GenerationStore(Unloads, LoggerFactory.CreateLogger<GenerationStore>());
        Builder = new GenerationBuilder(LoggerFactory, listenOverride) { ServerTls = serverTls, KeepFirstPlugins = !reloads };
        Hints = new HintsStores(LoggerFactory);
        Reloader = new ConfigReloader(configPath, Builder, Store, g => Published?.Invoke(g), LoggerFactory.CreateLogger<ConfigReloader>());
        Reloader.FirstConfigParsed += c => UseFiles(c.Config.Main);
        Published += g => UseFiles(g.Config.Main);
    }

    private void UseFiles(Abstractions.Config.MainOptions main)
    {
        Sink.UsePaths(LogPaths.For(main));
        ProcessInfo.UseConfig(main);
    }

    public EximLogSink Sink { get; }
    public ILoggerFactory LoggerFactory { get; }
    public UnloadTracker Unloads { get; }
    public GenerationStore Store { get; }
    public GenerationBuilder Builder { get; }
    public ConfigReloader Reloader { get; }

    /// <summary>The hints stores (retry, ratelimit): the core's, so they outlive every generation and plugin context.</summary>
    public HintsStores Hints { get; }

    /// <summary>Raised after each generation is published (first one included), before it is logged.</summary>
    public event Action<Generation>? Published;

    /// <param name="configPath">The configuration file.</param>
    /// <param name="debug">-d: debug output on stderr.</param>
    /// <param name="unloadGrace">How long a retired generation may take to be collected before it counts as leaked.</param>
    /// <param name="listenOverride">-oX.</param>
    /// <param name="logRouting">The log files, or stderr in the shape of one of Exim's testing modes (-bh, -bt, -bV).</param>
    /// <param name="quietLifecycle">-q, -M, -bt, -bV: generation and hook loading lines only when something goes wrong.</param>
    /// <param name="serverTls">-bd: each generation reads and checks the server's TLS certificates.</param>
    /// <param name="reloads">
    /// -bd: the process reloads (SIGHUP, plugin file changes), so every plugin is loaded collectible. Otherwise the first
    /// generation's plugins are loaded for good, with their ReadyToRun code (see GenerationBuilder.KeepFirstPlugins).
    /// </param>
    public static Core Create(string configPath, bool debug, TimeSpan? unloadGrace = null, string? listenOverride = null,
        LogRouting logRouting = LogRouting.Files, bool quietLifecycle = false, bool serverTls = false, bool reloads = false)
        => new(configPath, debug, unloadGrace ?? TimeSpan.FromSeconds(30), listenOverride, logRouting, quietLifecycle, serverTls, reloads);

    public async ValueTask DisposeAsync()
    {
        Unloads.Dispose(); // stop leak checks still running: nothing may log after the sink closes
        Reloader.Dispose();
        Hints.Dispose();
        LoggerFactory.Dispose();
        await Sink.DisposeAsync().ConfigureAwait(false);
    }
}
