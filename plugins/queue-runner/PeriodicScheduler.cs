using Exim.Abstractions.Queue;
using Microsoft.Extensions.Logging;

namespace Exim.Plugins.QueueRunner;

/// <summary>
/// Exim's daemon_qrun (spec §1.10). Every entry is due at start-up. At each tick, if the total cap allows, the
/// entry with the earliest due time (then the shortest interval) whose queue is under its cap is advanced by
/// whole intervals past now and one runner is started for it; the next tick is at the earliest due time, but at
/// least a second away. At the cap nothing moves, so the tick recurs every second and a run starts within about
/// a second of a runner ending. <c>queue_run_max = 0</c> means no limit, as Exim's manual says (IMPROVE: Exim's
/// code starts nothing then).
/// </summary>
internal sealed partial class PeriodicScheduler(TimeProvider time, ILogger logger) : IQueueRunScheduler
{
    private static readonly TimeSpan MinimumTick = TimeSpan.FromSeconds(1);

    public async Task RunAsync(IQueueSchedulerContext context, CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow();
        var entries = context.Schedule.Where(s => s.Interval > TimeSpan.Zero).Select(s => new ScheduleEntry(s, now)).ToList();
        if (entries.Count == 0) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            now = time.GetUtcNow();
            Tick(context, entries, now);
            var next = entries.Min(e => e.NextTick) - now;
            await Task.Delay(next < MinimumTick ? MinimumTick : next, time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>One tick: starts at most one runner. Returns the entry it started, or null.</summary>
    internal ScheduleEntry? Tick(IQueueSchedulerContext context, IReadOnlyList<ScheduleEntry> entries, DateTimeOffset now)
    {
        var max = context.Main.GetInt64("queue_run_max");
        if (max > 0 && context.TotalActiveRunners >= max) return null;
        var due = entries
            .Where(e => e.NextTick <= now && (max == 0 || context.ActiveRunners(e.Spec.QueueName) < max))
            .OrderBy(e => e.NextTick).ThenBy(e => e.Spec.Interval)
            .FirstOrDefault();
        if (due is null) return null;
        due.Advance(now);
        if (!context.TryStartRunner(due.Spec)) RunnerNotStarted(logger, due.Spec.QueueName ?? "default");
        return due;
    }

    [LoggerMessage(5120, LogLevel.Warning, "scheduled queue run for the {Queue} queue could not start; next at its next interval")]
    private static partial void RunnerNotStarted(ILogger logger, string queue);
}
