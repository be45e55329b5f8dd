using Exim.Abstractions.Daemon;
using Exim.Abstractions.Queue;
using Exim.Mail.Spool;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Delivery;

/// <summary>
/// One queue run (Exim's queue_run) over the default queue or a named one: <c>exim -q…</c> and the daemon's runner
/// processes. Lists the queue oldest first (by name: see <see cref="SpoolQueue"/>) and hands each message to the <see cref="Deliverer"/>, whose per-message lock
/// keeps concurrent runners apart. What the run's flags change:
/// <list type="bullet">
/// <item><c>f</c> ignores retry times, <c>ff</c> also thaws frozen messages (others are skipped);</item>
/// <item><c>i</c> takes only messages no delivery has been attempted for (Exim's <c>-deliver_firsttime</c>);</item>
/// <item><c>l</c> delivers local addresses only, leaving remote ones pending;</item>
/// <item><c>q</c> runs in two stages: first every message is routed and its local deliveries made, then the messages
/// with remote addresses are delivered grouped by their hosts, so one connection per host carries them all.</item>
/// </list>
/// A one-off run may also select by recipient or sender (<c>-R</c>, <c>-S</c>: <see cref="QueueSelection"/>).
/// Each run first removes the crash leftovers of its queue (<see cref="SpoolTidier"/>). A one-off run may be limited to ids from <c>start</c> to <c>stop</c> (lexically, as Exim compares them). Logged with
/// Exim's <c>Start queue run: pid=N -q…</c> / <c>End queue run: …</c> lines (<c>Start 'name' queue run: …</c> for a named queue).
/// With <c>deliver_queue_load_max</c> (load × 1000, -1 unset) the load average is checked before each message, unless the
/// run is forced (<c>f</c>); above it the run is abandoned (<c>Abandon queue run: pid=N … (load 2.50, max 1.00)</c>).
/// </summary>
internal sealed class QueueRunner(Deliverer deliverer, string spoolDirectory, ILogger logger, ISystemLoad? load = null, int deliverQueueLoadMax = -1,
    bool split = false, int parallel = 1)
{
    public async Task<QueueRunSummary> RunAsync(QueueRunSpec spec, string? startId, string? stopId, CancellationToken cancellationToken)
        => await RunAsync(spec, startId, stopId, null, cancellationToken).ConfigureAwait(false);

    /// <param name="spec">The run's queue and flags.</param>
    /// <param name="startId">The first id to take, or null.</param>
    /// <param name="stopId">The last id to take, or null.</param>
    /// <param name="selection"><c>-R</c> / <c>-S</c>: only the messages it matches, retry times ignored; null: every message.</param>
    /// <param name="cancellationToken">Stops the run between messages.</param>
    public async Task<QueueRunSummary> RunAsync(QueueRunSpec spec, string? startId, string? stopId, QueueSelection? selection, CancellationToken cancellationToken)
    {
        var (pid, flags, queue) = (Environment.ProcessId, spec.Flags, spec.QueueName);
        var (flagText, queueText) = (FlagText(flags) + selection?.LogText, SpoolPaths.Describe(queue));
        DeliveryLog.QueueRunStarted(logger, queueText, pid, flagText);
        // Crash leftovers, alongside the deliveries (the tidier takes only what no one holds the lock of), so on a large queue
        // the first delivery does not wait for a pass over every file.
        var tidy = Task.Run(() => SpoolTidier.Tidy(spoolDirectory, queue, DateTimeOffset.UtcNow, logger), CancellationToken.None);
        var options = new DeliveryOptions(Force: Has(flags, QueueRunFlags.Force) || selection is not null, Thaw: Has(flags, QueueRunFlags.Thaw),
            LocalOnly: Has(flags, QueueRunFlags.LocalOnly), FirstDeliveryOnly: Has(flags, QueueRunFlags.FirstDeliveryOnly));
        var outcomes = new System.Collections.Concurrent.ConcurrentDictionary<string, MessageOutcome>(StringComparer.Ordinal);
        // Names only: a message's -H file is read when it is reached (by the deliverer, which skips a frozen message unless
        // thawing and one tried before under -qi; here too only for -R/-S), so the first delivery of a run over a large queue
        // waits for a directory listing, not for every header. Over a split spool, one subdirectory at a time.
        var listed = split ? SpoolQueue.EntriesByDirectory(spoolDirectory, queue).SelectMany(d => d) : SpoolQueue.Entries(spoolDirectory, queue);
        IEnumerable<string> Selected(IEnumerable<SpoolEntry> entries) => entries.Where(e =>
            (startId is null || string.CompareOrdinal(e.Id, startId) >= 0)
            && (stopId is null || string.CompareOrdinal(e.Id, stopId) <= 0)
            && (selection is null || (SpoolQueue.Read(e) is { } m && selection.Matches(m)))).Select(e => e.Id);
        async Task<DeliveryResult> DeliverAsync(string id, DeliveryOptions how)
        {
            var result = await deliverer.DeliverAsync(new MessageRef(id, queue), how, cancellationToken).ConfigureAwait(false);
            outcomes[id] = result.Outcome;
            return result;
        }

        var twoStage = Has(flags, QueueRunFlags.TwoStage) && !options.LocalOnly;
        var held = new List<(string Id, string HeldFor)>();
        var abandoned = false;
        bool Abandon() => abandoned || (abandoned = TooLoaded(options, pid, flagText));
        // A two-stage run delivers one message at a time: its point is the order (host by host, one connection each).
        var width = twoStage ? 1 : parallel;
        await ForEachAsync(Selected(listed), width, async id =>
        {
            var result = await DeliverAsync(id, twoStage ? options with { HoldRemote = true } : options).ConfigureAwait(false);
            if (twoStage && result.HeldFor is { } hosts)
            {
                lock (held) held.Add((id, hosts));
            }
        }, Abandon, cancellationToken).ConfigureAwait(false);

        if (twoStage)
        {
            // Second stage: the held messages host by host (a stable sort keeps queue order within a host), then what the
            // first stage did not get to, as Exim's second scan would: messages that were locked, and new arrivals.
            var again = held.OrderBy(h => h.HeldFor, StringComparer.Ordinal).Select(h => h.Id).ToList();
            again.AddRange(Selected(SpoolQueue.Entries(spoolDirectory, queue)).Where(id => outcomes.GetValueOrDefault(id, MessageOutcome.Locked) == MessageOutcome.Locked));
            await ForEachAsync(again, width, async id => await DeliverAsync(id, options).ConfigureAwait(false), Abandon, cancellationToken).ConfigureAwait(false);
        }
        await tidy.ConfigureAwait(false);
        DeliveryLog.QueueRunEnded(logger, queueText, pid, flagText);
        int Count(MessageOutcome o) => outcomes.Values.Count(v => v == o);
        return new QueueRunSummary(Count(MessageOutcome.Completed), Count(MessageOutcome.Deferred), Count(MessageOutcome.Locked));
    }

    /// <summary>
    /// Delivers <paramref name="ids"/> in order, up to <paramref name="parallel"/> at once (<c>queue_run_parallel</c>): each message is
    /// started in queue order once a slot is free, so one slow message does not hold up the rest, and the deliveries of a
    /// run share its connections. Stops starting new ones when cancelled or when <paramref name="stop"/> says so.
    /// </summary>
    private async Task ForEachAsync(IEnumerable<string> ids, int parallel, Func<string, Task> deliver, Func<bool> stop, CancellationToken cancellationToken)
    {
        var running = new List<Task>(parallel);
        try
        {
            foreach (var id in ids)
            {
                if (cancellationToken.IsCancellationRequested || stop()) break;
                if (parallel <= 1)
                {
                    await deliver(id).ConfigureAwait(false);
                    continue;
                }
                if (running.Count >= parallel)
                {
                    var finished = await Task.WhenAny(running).ConfigureAwait(false);
                    running.Remove(finished);
                    await finished.ConfigureAwait(false);
                }
                running.Add(Task.Run(() => deliver(id), CancellationToken.None));
            }
        }
        finally
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
    }

    /// <summary>queue.c: unless forced, a load average above deliver_queue_load_max abandons the run (logged once).</summary>
    private bool TooLoaded(DeliveryOptions options, int pid, string flagText)
    {
        if (options.Force || deliverQueueLoadMax < 0 || load is null) return false;
        var current = load.LoadAverage;
        if (current <= deliverQueueLoadMax) return false;
        QueueRunLog.Abandoned(logger, pid, flagText, current, deliverQueueLoadMax);
        return true;
    }

    private static bool Has(QueueRunFlags flags, QueueRunFlags flag) => (flags & flag) != 0;

    /// <summary>The run's flags as Exim logs them: nothing for a plain run, else <c> -q</c> and the letters.</summary>
    public static string FlagText(QueueRunFlags flags)
    {
        var letters = (Has(flags, QueueRunFlags.TwoStage) ? "q" : "")
            + (Has(flags, QueueRunFlags.FirstDeliveryOnly) ? "i" : "")
            + (Has(flags, QueueRunFlags.Thaw) ? "ff" : Has(flags, QueueRunFlags.Force) ? "f" : "")
            + (Has(flags, QueueRunFlags.LocalOnly) ? "l" : "");
        return letters.Length == 0 ? "" : " -q" + letters;
    }
}
