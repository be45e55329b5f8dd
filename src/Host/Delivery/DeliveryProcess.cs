using Exim.Abstractions.Daemon;
using Exim.Abstractions.Hints;
using Exim.Abstractions.Plugins;
using Exim.Abstractions.Resolution;
using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.Host.Slots;
using Exim.Mail.Delivery;
using Exim.Mail.Resolution;
using Exim.Mail.Retry;
using Exim.Mail.Routing;
using Exim.Mail.Spool;
using Exim.Mail.Transports.Smtp;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Delivery;

/// <summary>
/// Everything a delivering process needs, composed from one generation: the router with the generation's resolvers,
/// the generation's transports (with one SMTP connection pool shared by every message of the process), the retry database (on the
/// generation's hints store) and rules,
/// the spool for bounces, and the <see cref="Deliverer"/> and <see cref="QueueRunner"/> built on them. The -M and -q
/// commands use it today; a queue-runner child or the daemon's immediate delivery can compose the same way.
/// </summary>
internal sealed class DeliveryProcess : IAsyncDisposable
{
    private readonly FileSpool _spool;
    private readonly SmtpConnectionPool _pool;

    public DeliveryProcess(Generation generation, ILoggerFactory loggers, HostCache cache, IHintsStore hints)
    {
        var config = generation.Config;
        var main = config.Main;
        var random = Random.Shared;
        var dns = GenerationRouting.Dns(generation, cache);
        generation.Strategies.TryGet<IAddressResolver>(StrategyKeys.ByName, out var byname);
        var logger = loggers.CreateLogger("Exim.Delivery");
        _spool = new FileSpool(main.SpoolDirectory, TimeProvider.System, main.SpoolSync == "filesystem", main.SplitSpoolDirectory);
        _pool = new SmtpConnectionPool();
        // The generation's transports run with this process's host lookups (through its host cache) and connection pool.
        var services = new DeliveryServices(new HostListResolver(dns, byname, random, logger, main.SlowLookupLog), _pool);
        Deliverer = new Deliverer(config, GenerationRouting.Router(generation, logger), generation.Transports, services,
            new RetryDatabase(hints, main.SpoolDirectory), RetryRuleSet.From(config), _spool, EximVersion.Number, TimeProvider.System, logger, random);
        var load = generation.SystemLoad(new ProcLoadAverage());
        QueueRunner = new QueueRunner(Deliverer, main.SpoolDirectory, logger, load, main.DeliverQueueLoadMax, main.SplitSpoolDirectory,
            main.QueueRunParallel);
    }

    /// <summary>
    /// A delivery blocks its thread in file system calls (the spool files' unlinks wait for the disk where the file system
    /// discards freed blocks at once: about 0.3 ms each on the benchmark machine, three per message), so with the thread
    /// pool's default minimum (one thread per core) and its slow growth, queue_run_parallel deliveries would share two threads
    /// at the start of a run. A command process (-q, -M, a submission's delivery) does nothing else: it gets a thread for each
    /// parallel delivery and each core from the start (the daemon's immediate deliveries share its pool as it grows).
    /// </summary>
    private static void EnoughThreads(int parallel)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        var wanted = parallel + Environment.ProcessorCount;
        if (workers < wanted) ThreadPool.SetMinThreads(wanted, io);
    }

    public Deliverer Deliverer { get; }
    public QueueRunner QueueRunner { get; }

    /// <summary>Starts a core on <paramref name="configPath"/> and composes delivery on its first generation; null (errors printed) when the configuration is bad.</summary>
    public static async Task<(Core Core, DeliveryProcess? Process)> StartAsync(string configPath, bool debug, TextWriter error)
    {
        var core = Core.Create(configPath, debug, quietLifecycle: true);
        var started = await core.Reloader.StartAsync().ConfigureAwait(false);
        if (started.Status != ReloadStatus.Published)
        {
            Cli.Commands.ConfigErrors.Print(started.Errors, error);
            return (core, null);
        }
        EnoughThreads(core.Store.Current.Config.Main.QueueRunParallel);
        return (core, new DeliveryProcess(core.Store.Current, core.LoggerFactory, new HostCache(TimeProvider.System), core.Hints.For(core.Store.Current)));
    }

    public async ValueTask DisposeAsync()
    {
        await _pool.DisposeAsync().ConfigureAwait(false);
        await _spool.DisposeAsync().ConfigureAwait(false);
    }
}
