using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Diagnostics;
using Exim.Abstractions.Plugins;
using Exim.Abstractions.Queue;
using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.Host.Listeners;
using Exim.Host.Log;
using Exim.Host.Metrics;
using Exim.Host.Plugins;
using Exim.Host.Queue;
using Exim.Host.Scripting;
using Exim.Host.Security;
using Exim.Host.Slots;
using Exim.Host.Systemd;
using Exim.Abstractions.Resolution;
using Exim.Mail.Resolution;
using Exim.Mail.Smtp;
using Exim.Mail.Spool;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// <c>exim -bd</c>: binds the listeners and loads the first generation (any error is fatal here, as it is for Exim
/// at start-up), writes the pid file, then runs until SIGTERM/SIGINT. SIGHUP and plugin file changes build a new
/// generation on the same sockets; a failure keeps the old one. On SIGTERM the ports close at once, sessions get
/// daemon_drain_timeout to finish, the rest are told 421, and the pid file is removed.
/// The daemon stays in the foreground (as with -bdf): backgrounding is the service manager's job.
/// </summary>
internal static partial class DaemonCommand
{
    public static async Task<int> RunAsync(CommandLine cl, TextWriter error)
    {
        // The configuration is parsed on the other core while logging and the daemon's objects are set up (it needs
        // neither); it is used, as before, only once they are (issue 14's start-up target).
        var firstConfig = Task.Run(() => Configuration.TomlConfigLoader.Load(cl.ConfigPath));
        await using var core = Core.Create(cl.ConfigPath, cl.Debug, listenOverride: cl.ListenOverride, serverTls: true, reloads: true);
        StartupTrace.Mark("core created");
        var logger = core.LoggerFactory.CreateLogger("Exim.Daemon");
        var pid = Environment.ProcessId;
        // Under systemd: its notify socket and the sockets of a socket unit, taken out of the environment before any child starts.
        var systemd = SystemdNotify.FromEnvironment(logger);
        var (activated, activationError) = ActivatedSockets.Take();
        StartupTrace.Mark("systemd");
        if (activationError is not null)
        {
            await error.WriteLineAsync("exim: " + activationError).ConfigureAwait(false);
            return 1;
        }
        using var listeners = new ListenerSet(core.LoggerFactory.CreateLogger<ListenerSet>());
        var daemonListeners = new DaemonListeners(listeners, cl.ListenOverride);
        core.Reloader.Participants.Add(daemonListeners);
        using var watcher = new FileChangeWatcher("plugin",
            () => core.Reloader.RequestReload(ReloadReason.PluginFileChanged),
            TimeSpan.FromMilliseconds(500), core.LoggerFactory.CreateLogger<FileChangeWatcher>());
        using var tlsWatcher = new FileChangeWatcher("TLS certificate",
            () => core.Reloader.RequestReload(ReloadReason.TlsFileChanged),
            TimeSpan.FromMilliseconds(500), core.LoggerFactory.CreateLogger<FileChangeWatcher>());
        // Exim's order (spec §1.2): listeners, then the pid file, then the start-up line, so that a script that sees
        // the line can rely on the pid file.
        var writePid = cl.ListenOverride is null || cl.PidFileOverride is not null;
        string? pidPath = null;
        var noScheduler = false;
        var exits = new ChildExitReporter(core.LoggerFactory.CreateLogger<ChildExitReporter>());
        var slots = new SlotTable(exits, TimeProvider.System);
        var tracker = new SessionTracker(); // every generation's running connections, awaited on stop
        var capacity = new DaemonSessionCapacity(logger);
        core.Reloader.Adjust = capacity.Apply; // RLIMIT_NOFILE raised, smtp_accept_max cut to what it allows
        Control.ControlSocketHost? control = null; // notifier_socket: made with the pid file, once the listeners are bound
        using var metrics = new MetricsExport(logger);
        var queueFigures = new QueueFiguresReader(() => core.Store.Current.Config.Main.SpoolDirectory, TimeProvider.System);
        EximMetrics.UseQueues(queueFigures.Read);
        core.Published += g =>
        {
            metrics.Apply(g.Config.Main);
            watcher.Watch(g.Plugins.Select(p => p.AssemblyPath));
            tlsWatcher.Watch(g.Tls?.Files() ?? []);
            if (pidPath is null)
            {
                noScheduler = !cl.QueueRuns.IsEmpty && !g.Strategies.TryGet<IQueueRunScheduler>(SchedulerKey, out _);
                if (noScheduler) return;
                pidPath = PidFile.PathFor(cl.PidFileOverride, g.Config.Main.PidFilePath, g.Config.Main.SpoolDirectory);
                if (writePid && !PidFile.TryWrite(pidPath, pid, out var pidError)) PidFileFailed(logger, pidError!);
                if (writePid) control?.Start(g);
            }
            var current = listeners.Current;
            var smtps = g.Tls is null ? null : SmtpSettings.ResolvePorts(g.Config.Main.TlsOnConnectPorts);
            var listening = current.IsEmpty ? "not listening for SMTP" : "listening for " + ListenerDescription.Describe(current, smtps);
            DaemonStarted(logger, EximVersion.Number, pid, QueueInfo(cl.QueueRuns), listening);
            var daemonInfo = $"daemon({EximVersion.Number}): {QueueInfo(cl.QueueRuns)}, {(current.IsEmpty ? "not listening" : listening)}";
            ProcessInfo.Set(() => DescribeDaemon(daemonInfo, slots));
            control?.Control.DaemonLine = daemonInfo;
            var sessions = capacity.Report(g.Config.Main); // the smtp_accept_max that applies, logged when the descriptors cut it
            control?.Control.Capacity = sessions;
        };

        var load = new ProcLoadAverage();
        var spools = new ConcurrentDictionary<string, FileSpool>(StringComparer.Ordinal);
        using var shutdown = new CancellationTokenSource();
        var sessionLogger = core.LoggerFactory.CreateLogger("Exim.Smtp");
        var hostCache = new HostCache(TimeProvider.System); // shared by every generation; holds no plugin objects
        EximMetrics.UseHostCache(() => (hostCache.Hits, hostCache.Misses));
        var hookLogger = core.LoggerFactory.CreateLogger("Exim.Hooks");
        var children = new EximChildren(Path.GetFullPath(cl.ConfigPath), exits);
        var runners = new QueueRunnerProcesses(children, core.LoggerFactory.CreateLogger<QueueRunnerProcesses>());
        var queueRequests = new QueueRunRequests(
            _ => Task.FromResult(runners.TryStart(new QueueRunSpec(null, TimeSpan.Zero, QueueRunFlags.None), core.Store.Current.Config.Main.QueueRunMax)),
            core.LoggerFactory.CreateLogger<QueueRunRequests>());
        await using var childExitHooks = new ChildExitHooks(core.Store, queueRequests, hookLogger);
        exits.Exited += childExitHooks.Post;

        // Signals are handled before the start-up line is logged, so none sent after it is lost.
        using var stop = new CancellationTokenSource();
        using var signals = new SignalHandlers(
            onHangup: () =>
            {
                if (!core.Store.HasCurrent)
                {
                    SighupTooEarly(logger, pid);
                    return;
                }
                SighupReceived(logger, pid);
                _ = core.Reloader.RequestReload(ReloadReason.Signal);
            },
            onStop: signal =>
            {
                StopSignal(logger, pid, signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT");
                stop.Cancel();
            });

        control = new Control.ControlSocketHost(new Control.DaemonControl(core.Store, core.Reloader, listeners, slots, runners, hostCache,
            stop.Cancel, core.LoggerFactory.CreateLogger("Exim.Control")), core.LoggerFactory.CreateLogger("Exim.Control"));
        await using var controlSocket = control;
        StartupTrace.Mark("daemon objects");
        // Read the configuration, bind the listeners as root, become exim_user; only then load plugins and compile scripts.
        var first = core.Reloader.ReadFirst(await firstConfig.ConfigureAwait(false));
        StartupTrace.Mark("config read");
        if (!first.Succeeded) return ConfigErrors.Print(first.Errors, error);
        var adopted = listeners.Adopt(activated.Select(a => a.Socket), first.Config.Config.Main);
        for (var i = 0; i < adopted.Length; i++) SocketActivated(logger, adopted[i].Spec.ToString(), activated[i].Name);
        StartupTrace.Mark("sockets adopted");
        if (await DaemonPrivileges.SetUpAsync(first.Config, daemonListeners, error, logger, stop.Token).ConfigureAwait(false) is not { } sameUser) return 1;
        StartupTrace.Mark("listeners bound, privileges");
        core.Reloader.Participants.Add(sameUser);
        core.Reloader.Participants.Add(new RestartOnlyOptions(first.Config.Config.Main));
        var started = await core.Reloader.StartAsync(first.Config).ConfigureAwait(false);
        StartupTrace.Mark("first generation published");
        if (started.Status != ReloadStatus.Published) return ConfigErrors.Print(started.Errors, error);
        if (noScheduler)
        {
            await error.WriteLineAsync($"exim: {QueueInfo(cl.QueueRuns)}: periodic queue runs need a plugin that registers IQueueRunScheduler \"{SchedulerKey}\" ([plugins.queue-runner] in the configuration)").ConfigureAwait(false);
            return 1;
        }


        // Crash leftovers of earlier runs (orphan -D and -H.tmp files), off the start-up path.
        var spoolLogger = core.LoggerFactory.CreateLogger("Exim.Spool");
        var spoolDirectory = core.Store.Current.Config.Main.SpoolDirectory;
        var tidy = Task.Run(() => SpoolTidier.TidyAll(spoolDirectory, DateTimeOffset.UtcNow, spoolLogger));

        await using var immediate = new Exim.Host.Delivery.ImmediateDelivery(core.Store, core.LoggerFactory, hostCache, core.Hints, exits,
            core.Store.Current.Config.Main.ImmediateDeliveryMax);
        control.Control.Immediate = immediate;
        StartupTrace.Mark("immediate delivery");
        var trimmer = new MemoryTrimmer(TimeSpan.FromSeconds(2), 32L * 1024 * 1024,
            () => core.Store.HasCurrent ? core.Store.Current.Number : 0, core.LoggerFactory.CreateLogger<MemoryTrimmer>()).RunAsync(stop.Token);
        FileSpool SpoolFor(Generation g) => spools.GetOrAdd($"{g.Config.Main.SpoolSync}:{g.Config.Main.SplitSpoolDirectory}:{g.Config.Main.SpoolDirectory}",
            _ => new FileSpool(g.Config.Main.SpoolDirectory, TimeProvider.System, g.Config.Main.SpoolSync == "filesystem", g.Config.Main.SplitSpoolDirectory));
        // Local submission (sendmail, exim -bm) by any user, judged by the socket's peer credentials.
        // A generation's lookups and stage policies (its address verifier among them), made once and shared by its SMTP
        // sessions and its local submissions.
        var services = new System.Runtime.CompilerServices.ConditionalWeakTable<Generation, SessionServices>();
        SessionServices ServicesFor(Generation g) => services.GetValue(g, g => SessionServices.For(g, hostCache, sessionLogger, hookLogger, core.Hints.RateLimiterFor(g)));
        var submissions = Submission.SubmissionServer.Start(core.Store, SpoolFor, immediate, g => ServicesFor(g).Policies, core.LoggerFactory.CreateLogger("Exim.Submission"));
        // Without routers nothing can be routed: received messages then wait in the queue rather than all bouncing.
        var handoff = new SessionHandoff(core.Store, g => ServicesFor(g).CreateHandler(g,
            new SmtpSettings(g.Config.Main, EximVersion.Number) { Tls = g.Tls, Authenticators = g.Authenticators }, SpoolFor(g), slots,
            g.SystemLoad(load), sessionLogger, g.Config.Routers.IsEmpty ? null : immediate.Enqueue, tracker));
        var loops = new GenerationLoopRunner<IDaemonLoop>(core.Store, StrategyKeys.DaemonLoop, "daemon loop",
            (g, loop, ct) => loop.RunAsync(new DaemonContext(g, [.. listeners.Current], slots, handoff.For(g), g.SystemLoad(load), shutdown.Token), ct),
            TimeSpan.FromSeconds(10), core.LoggerFactory.CreateLogger("Exim.Daemon"));
        var schedulers = new GenerationLoopRunner<IQueueRunScheduler>(core.Store, SchedulerKey, "queue scheduler",
            (g, scheduler, ct) => scheduler.RunAsync(new QueueSchedulerContext(g.Config, cl.QueueRuns, runners), ct),
            TimeSpan.FromSeconds(10), core.LoggerFactory.CreateLogger("Exim.Queue"));
        var running = Task.WhenAll(loops.RunAsync(stop.Token), cl.QueueRuns.IsEmpty ? Task.CompletedTask : schedulers.RunAsync(stop.Token));
        StartupTrace.Mark("loops started");
        var heartbeat = Task.CompletedTask;
        if (systemd is not null)
        {
            core.Reloader.ReloadNotifications = (systemd.Reloading, () => systemd.Ready(SystemdStatus()));
            stop.Token.Register(() => systemd.Stopping("shutting down"));
            systemd.Ready(SystemdStatus());
            heartbeat = new SystemdHeartbeat(systemd, () => loops.IsRunning).RunAsync(stop.Token);
        }
        await running.ConfigureAwait(false);
        await trimmer.ConfigureAwait(false);
        await heartbeat.ConfigureAwait(false);

        // Stop: no new connections, give sessions their drain time, then 421 the rest.
        watcher.Dispose();
        tlsWatcher.Dispose();
        listeners.Dispose();
        if (submissions is not null) await submissions.DisposeAsync().ConfigureAwait(false);
        var drain = core.Store.Current.Config.Main.DaemonDrainTimeout;
        if (!await tracker.WhenAllEndedAsync(drain).ConfigureAwait(false))
        {
            Draining(logger, tracker.Count, drain.TotalSeconds);
            await shutdown.CancelAsync().ConfigureAwait(false);
            await tracker.WhenAllEndedAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        await immediate.StopAsync(drain).ConfigureAwait(false);
        foreach (var spool in spools.Values) await spool.DisposeAsync().ConfigureAwait(false);
        try
        {
            await core.Store.ShutdownAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            ShutdownSlow(logger);
        }
        await tidy.ConfigureAwait(false);
        if (writePid && pidPath is not null) PidFile.RemoveIfOurs(pidPath, pid);
        DaemonStopped(logger, pid);
        return 0;
    }

    private const string SchedulerKey = StrategyKeys.QueueScheduler;

    private static string SystemdStatus() => SystemdHeartbeat.Describe(EximMetrics.Snapshot());

    /// <summary>The start-up line's queue part (spec §1.4): <c>no queue runs</c>, or <c>-q30m -qqGbulk/1h</c>.</summary>
    private static string QueueInfo(System.Collections.Immutable.ImmutableArray<QueueRunSpec> runs) => runs.IsEmpty
        ? "no queue runs"
        : string.Join(' ', runs.Select(r => $"{QueueRunnerProcesses.Flags(r)}{(r.QueueName is null ? "" : "/")}{Configuration.Values.EximTime.Format(r.Interval)}"));

    /// <summary>
    /// The daemon's exiwhat line: Exim's <c>daemon(4.96): -q30m, listening for SMTP on ...</c>, then the connections it is
    /// handling (each is a process of its own in Exim, with its own line; here they share the daemon's one line).
    /// </summary>
    private static string DescribeDaemon(string daemon, SlotTable slots)
    {
        var active = slots.Snapshot();
        if (active.Count == 0) return daemon;
        var text = new System.Text.StringBuilder(daemon).Append("; handling ").Append(active.Count)
            .Append(active.Count == 1 ? " incoming connection from" : " incoming connections from");
        foreach (var slot in active.OrderBy(s => s.Started).Take(10)) text.Append(" [").Append(slot.Client).Append(']');
        if (active.Count > 10) text.Append(" ...");
        return text.ToString();
    }

    [LoggerMessage(EventIds.DaemonStarted, LogLevel.Information, "exim {Version} daemon started: pid={Pid}, {Queue}, {Listening}")]
    private static partial void DaemonStarted(ILogger logger, string version, int pid, string queue, string listening);

    [LoggerMessage(EventIds.SignalReceived, LogLevel.Information, "pid {Pid}: SIGHUP received: reloading configuration and plugins")]
    private static partial void SighupReceived(ILogger logger, int pid);

    [LoggerMessage(EventIds.SignalReceived, LogLevel.Warning, "pid {Pid}: SIGHUP received during start-up: ignored")]
    private static partial void SighupTooEarly(ILogger logger, int pid);

    [LoggerMessage(EventIds.DaemonStopping, LogLevel.Information, "pid {Pid}: {Signal} received: daemon shutting down")]
    private static partial void StopSignal(ILogger logger, int pid, string signal);

    [LoggerMessage(EventIds.DaemonStopping, LogLevel.Information, "{Count} session(s) still active after {Seconds}s: closing them with 421")]
    private static partial void Draining(ILogger logger, int count, double seconds);

    [LoggerMessage(EventIds.DaemonStopping, LogLevel.Warning, "generation did not drain within 30s of shutdown")]
    private static partial void ShutdownSlow(ILogger logger);

    [LoggerMessage(EventIds.SocketActivation, LogLevel.Information, "socket activation: systemd passed the listening socket {Listener} ({Name})")]
    private static partial void SocketActivated(ILogger logger, string listener, string name);

    [LoggerMessage(EventIds.PidFile, LogLevel.Warning, "{Error}")]
    private static partial void PidFileFailed(ILogger logger, string error);

    [LoggerMessage(EventIds.DaemonStopped, LogLevel.Information, "pid {Pid}: daemon stopped")]
    private static partial void DaemonStopped(ILogger logger, int pid);
}
