using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Queue;
using Exim.Host.Log;
using Exim.Host.Slots;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Queue;

/// <summary>
/// Queue-runner children of the daemon: this exim re-invoked with the matching <c>-q</c> flags and the same
/// configuration (as Exim re-execs its runners), counted per queue and in total against <c>queue_run_max</c>
/// (0: no limit), reaped when they exit, each exit reported as a child-exit event with its exit code or signal.
/// A runner that crashes costs the daemon nothing but the log line. Counts survive reloads.
/// </summary>
internal sealed partial class QueueRunnerProcesses(string configPath, ChildExitReporter exits, ILogger logger)
{
    private readonly ConcurrentDictionary<string, int> _byQueue = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _total;

    public int Total => Volatile.Read(ref _total);

    public int Active(string? queueName) => _byQueue.TryGetValue(queueName ?? "", out var n) ? n : 0;

    /// <summary>Starts one runner for <paramref name="spec"/> unless its queue or the total is at <paramref name="max"/>.</summary>
    public bool TryStart(QueueRunSpec spec, int max)
    {
        var queue = spec.QueueName ?? "";
        lock (_gate)
        {
            if (max > 0 && (_total >= max || Active(spec.QueueName) >= max))
            {
                MaxReached(logger, max);
                return false;
            }
            _total++;
            _byQueue.AddOrUpdate(queue, 1, static (_, n) => n + 1);
        }
        Process process;
        try
        {
            var psi = SelfInvocation.For(["-C", configPath, Flags(spec)]);
            psi.RedirectStandardInput = true; // a runner reads nothing; it gets a closed stdin
            process = Process.Start(psi) ?? throw new InvalidOperationException("the runner process did not start");
            process.StandardInput.Close();
        }
        catch (Exception e)
        {
            Finished(queue);
            StartFailed(logger, e);
            return false;
        }
        _ = ReapAsync(process, queue, Stopwatch.GetTimestamp());
        return true;
    }

    /// <summary>The one-shot form of a schedule entry: <c>-q[q][i][f[f]][l][G&lt;name&gt;]</c>.</summary>
    public static string Flags(QueueRunSpec spec)
    {
        var sb = new StringBuilder("-q");
        if (spec.Flags.HasFlag(QueueRunFlags.TwoStage)) sb.Append('q');
        if (spec.Flags.HasFlag(QueueRunFlags.FirstDeliveryOnly)) sb.Append('i');
        if (spec.Flags.HasFlag(QueueRunFlags.Force)) sb.Append('f');
        if (spec.Flags.HasFlag(QueueRunFlags.Thaw)) sb.Append('f');
        if (spec.Flags.HasFlag(QueueRunFlags.LocalOnly)) sb.Append('l');
        if (spec.QueueName is { } name) sb.Append('G').Append(name);
        return sb.ToString();
    }

    private void Finished(string queue)
    {
        lock (_gate)
        {
            _total--;
            _byQueue.AddOrUpdate(queue, 0, static (_, n) => n - 1);
        }
    }

    private async Task ReapAsync(Process process, string queue, long started)
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
                Finished(queue);
            }
        }
    }

    [LoggerMessage(EventIds.QueueRunRequested, LogLevel.Information, "queue run not started: queue_run_max ({Max}) runners are already running")]
    private static partial void MaxReached(ILogger logger, int max);

    [LoggerMessage(EventIds.QueueRunRequested, LogLevel.Critical, "daemon: fork of queue-runner process failed")]
    private static partial void StartFailed(ILogger logger, Exception exception);
}
