using Exim.Abstractions.Diagnostics;
using System.Collections.Concurrent;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Queue;
using Exim.Host.Log;
using Exim.Mail.Delivery;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Queue;

/// <summary>
/// Queue-runner children of the daemon: this exim re-invoked with the matching <c>-q</c> flags and the same
/// configuration (as Exim re-execs its runners), counted per queue and in total against <c>queue_run_max</c>
/// (0: no limit), reaped when they exit, each exit reported as a child-exit event with its exit code or signal.
/// A runner that crashes costs the daemon nothing but the log line. Counts survive reloads.
/// </summary>
internal sealed partial class QueueRunnerProcesses(EximChildren children, ILogger logger)
{
    private readonly ConcurrentDictionary<string, int> _byQueue = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, RunnerProcess> _running = new();
    private readonly Lock _gate = new();
    private int _total;

    public int Total => Volatile.Read(ref _total);

    public int Active(string? queueName) => _byQueue.TryGetValue(queueName ?? "", out var n) ? n : 0;

    /// <summary>The runners running now, for the daemon's status.</summary>
    public IReadOnlyCollection<RunnerProcess> Running => [.. _running.Values];

    /// <summary>Starts one runner for <paramref name="spec"/> unless its queue or the total is at <paramref name="max"/>.</summary>
    public bool TryStart(QueueRunSpec spec, int max) => TryStart(spec, max, null, out _);

    /// <summary>
    /// As above; with <paramref name="messageId"/> the run takes only that message (Exim's notifier-triggered run,
    /// <c>-q id id</c>). <paramref name="pid"/> is the runner's.
    /// </summary>
    public bool TryStart(QueueRunSpec spec, int max, string? messageId, out int pid)
    {
        pid = 0;
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
            EximMetrics.RunnerStarted();
        }
        try
        {
            var flags = Flags(spec);
            string[] arguments = messageId is null ? [flags] : [flags, messageId, messageId];
            var started = DateTimeOffset.UtcNow;
            var child = 0;
            pid = children.Start(ChildExitKind.QueueRunner, p =>
                {
                    child = p; // before the child can be reaped, so its end always finds the entry
                    _running[p] = new RunnerProcess(p, string.Join(' ', arguments), spec.QueueName, started);
                    return $"runner-{p}";
                },
                arguments, () =>
                {
                    _running.TryRemove(child, out _);
                    Finished(queue);
                });
        }
        catch (Exception e)
        {
            Finished(queue);
            StartFailed(logger, e);
            return false;
        }
        return true;
    }

    /// <summary>The one-shot form of a schedule entry: <c>-q[q][i][f[f]][l][G&lt;name&gt;]</c>.</summary>
    public static string Flags(QueueRunSpec spec)
        => (QueueRunner.FlagText(spec.Flags).Trim() is { Length: > 0 } flags ? flags : "-q") + (spec.QueueName is { } name ? "G" + name : "");

    private void Finished(string queue)
    {
        lock (_gate)
        {
            _total--;
            _byQueue.AddOrUpdate(queue, 0, static (_, n) => n - 1);
            EximMetrics.RunnerEnded();
        }
    }

    [LoggerMessage(EventIds.QueueRunRequested, LogLevel.Information, "queue run not started: queue_run_max ({Max}) runners are already running")]
    private static partial void MaxReached(ILogger logger, int max);

    [LoggerMessage(EventIds.QueueRunRequested, LogLevel.Critical, "daemon: fork of queue-runner process failed")]
    private static partial void StartFailed(ILogger logger, Exception exception);
}
