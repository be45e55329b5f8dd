using System.Runtime.InteropServices;
using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.Host.Log;
using Exim.Host.Plugins;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// <c>exim -bd</c>: loads the first generation (any error is fatal here, as it is for Exim at start-up), then runs
/// until SIGTERM/SIGINT. SIGHUP and plugin file changes build a new generation; a failure keeps the old one.
/// The daemon stays in the foreground (as with -bdf): backgrounding is the service manager's job.
/// </summary>
internal static partial class DaemonCommand
{
    public static async Task<int> RunAsync(CommandLine cl, TextWriter error)
    {
        await using var core = Core.Create(cl.ConfigPath, cl.Debug);
        var logger = core.LoggerFactory.CreateLogger("Exim.Daemon");
        using var watcher = new PluginFileWatcher(
            () => core.Reloader.ReloadAsync(ReloadReason.PluginFileChanged),
            TimeSpan.FromMilliseconds(500), core.LoggerFactory.CreateLogger<PluginFileWatcher>());
        core.Published += g => watcher.Watch(g.Plugins.Select(p => p.AssemblyPath));

        var started = await core.Reloader.StartAsync().ConfigureAwait(false);
        if (started.Status != ReloadStatus.Published) return ConfigErrors.Print(started.Errors, error);

        using var stop = new CancellationTokenSource();
        var pid = Environment.ProcessId;
        using var signals = new SignalHandlers(
            onHangup: () =>
            {
                SighupReceived(logger, pid);
                _ = core.Reloader.ReloadAsync(ReloadReason.Signal);
            },
            onStop: signal =>
            {
                StopSignal(logger, pid, signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT");
                stop.Cancel();
            });

        DaemonStarted(logger, EximVersion.Number, pid);
        var runner = new DaemonLoopRunner(core.Store, TimeSpan.FromSeconds(10), core.LoggerFactory.CreateLogger<DaemonLoopRunner>());
        await runner.RunAsync(stop.Token).ConfigureAwait(false);

        watcher.Dispose();
        try
        {
            await core.Store.ShutdownAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            ShutdownSlow(logger);
        }
        DaemonStopped(logger, pid);
        return 0;
    }

    [LoggerMessage(EventIds.DaemonStarted, LogLevel.Information, "exim {Version} daemon started: pid={Pid}, no queue runs, not listening for SMTP")]
    private static partial void DaemonStarted(ILogger logger, string version, int pid);

    [LoggerMessage(EventIds.SignalReceived, LogLevel.Information, "pid {Pid}: SIGHUP received: reloading configuration and plugins")]
    private static partial void SighupReceived(ILogger logger, int pid);

    [LoggerMessage(EventIds.DaemonStopping, LogLevel.Information, "pid {Pid}: {Signal} received: daemon shutting down")]
    private static partial void StopSignal(ILogger logger, int pid, string signal);

    [LoggerMessage(EventIds.DaemonStopping, LogLevel.Warning, "generation did not drain within 30s of shutdown")]
    private static partial void ShutdownSlow(ILogger logger);

    [LoggerMessage(EventIds.DaemonStopped, LogLevel.Information, "pid {Pid}: daemon stopped")]
    private static partial void DaemonStopped(ILogger logger, int pid);
}
