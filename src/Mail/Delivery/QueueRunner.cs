using Exim.Abstractions.Queue;
using Exim.Mail.Spool;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Delivery;

/// <summary>
/// One queue run (Exim's queue_run), the part every caller shares: <c>exim -q</c> here, and later the queue-runner
/// plugin's child processes and the daemon. Lists the queue oldest first, skips frozen messages unless thawing
/// (<c>-qff</c>), and hands each message to the <see cref="Deliverer"/>, whose per-message lock keeps concurrent runners
/// apart. Logged with Exim's <c>Start queue run: pid=N</c> and <c>End queue run: pid=N</c> lines and the run's flags.
/// </summary>
internal sealed class QueueRunner(Deliverer deliverer, string spoolDirectory, ILogger logger)
{
    public async Task<QueueRunSummary> RunAsync(QueueRunFlags flags, CancellationToken cancellationToken)
    {
        var pid = Environment.ProcessId;
        var flagText = FlagText(flags);
        DeliveryLog.QueueRunStarted(logger, pid, flagText);
        var options = new DeliveryOptions(Force: (flags & QueueRunFlags.Force) != 0, Thaw: (flags & QueueRunFlags.Thaw) != 0);
        var counts = new Dictionary<MessageOutcome, int>();
        foreach (var message in SpoolQueue.List(spoolDirectory))
        {
            if (cancellationToken.IsCancellationRequested) break;
            if (message.Frozen && !options.Thaw) continue;
            var outcome = await deliverer.DeliverAsync(message.Id, options, cancellationToken).ConfigureAwait(false);
            counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
        }
        DeliveryLog.QueueRunEnded(logger, pid, flagText);
        return new QueueRunSummary(counts.GetValueOrDefault(MessageOutcome.Completed), counts.GetValueOrDefault(MessageOutcome.Deferred),
            counts.GetValueOrDefault(MessageOutcome.Locked));
    }

    /// <summary>The run's flags as Exim logs them: nothing for a plain run, else <c> -q</c> and the letters.</summary>
    public static string FlagText(QueueRunFlags flags)
    {
        var letters = ((flags & QueueRunFlags.TwoStage) != 0 ? "q" : "")
            + ((flags & QueueRunFlags.FirstDeliveryOnly) != 0 ? "i" : "")
            + ((flags & QueueRunFlags.Thaw) != 0 ? "ff" : (flags & QueueRunFlags.Force) != 0 ? "f" : "")
            + ((flags & QueueRunFlags.LocalOnly) != 0 ? "l" : "");
        return letters.Length == 0 ? "" : " -q" + letters;
    }
}
