using System.Diagnostics;
using Exim.Abstractions.Daemon;
using Exim.Host.Log;
using Exim.Host.Slots;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Queue;

/// <summary>
/// Queue-runner children of the daemon: this exim re-invoked with <c>-q</c> flags and the same configuration,
/// counted against <c>queue_run_max</c>, reaped when they exit, each exit reported as a child-exit event with
/// its exit code or signal. A runner that crashes costs the daemon nothing but the log line.
/// </summary>
internal sealed partial class QueueRunnerProcesses(string configPath, ChildExitReporter exits, ILogger logger)
{
    private int _running;

    public int Running => Volatile.Read(ref _running);

    /// <summary>Starts one runner unless <paramref name="max"/> are already running (0: no limit).</summary>
    /// <param name="flags">The runner's queue flags, e.g. <c>-q</c> or <c>-qf</c>.</param>
    /// <param name="max">queue_run_max.</param>
    public bool TryStart(string flags, int max)
    {
        if (Interlocked.Increment(ref _running) > max && max > 0)
        {
            Interlocked.Decrement(ref _running);
            MaxReached(logger, max);
            return false;
        }
        Process process;
        try
        {
            var psi = SelfInvocation.For(["-C", configPath, flags]);
            psi.RedirectStandardInput = true; // the runner reads nothing; a closed stdin is what Exim's runners get
            process = Process.Start(psi) ?? throw new InvalidOperationException("the runner process did not start");
            process.StandardInput.Close();
        }
        catch (Exception e)
        {
            Interlocked.Decrement(ref _running);
            StartFailed(logger, e);
            return false;
        }
        _ = ReapAsync(process, Stopwatch.GetTimestamp());
        return true;
    }

    private async Task ReapAsync(Process process, long started)
    {
        using (process)
        {
            var pid = process.Id;
            try
            {
                await process.WaitForExitAsync().ConfigureAwait(false);
                // .NET reports a child ended by a signal as 128 + the signal number (as a shell does).
                var code = process.ExitCode;
                var signal = code > 128 && code < 128 + 65 ? code - 128 : (int?)null;
                exits.Report(new ChildExitEvent(ChildExitKind.QueueRunner, $"runner-{pid}", pid, null, null,
                    signal is null ? code : null, signal, Stopwatch.GetElapsedTime(started), 0));
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }
    }

    [LoggerMessage(EventIds.QueueRunRequested, LogLevel.Information, "queue run not started: queue_run_max ({Max}) runners are already running")]
    private static partial void MaxReached(ILogger logger, int max);

    [LoggerMessage(EventIds.QueueRunRequested, LogLevel.Error, "failed to start a queue runner")]
    private static partial void StartFailed(ILogger logger, Exception exception);
}
