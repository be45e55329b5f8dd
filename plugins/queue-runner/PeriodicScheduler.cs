using Exim.Abstractions.Queue;

namespace Exim.Plugins.QueueRunner;

/// <summary>
/// Exim's daemon_qrun (spec §1.10): every runner is due at start-up; on each tick the earliest-due runner (then the
/// shortest interval) whose queue is below its cap gets one runner process, and its next tick moves on by whole
/// intervals past now, so missed ticks are skipped rather than caught up. Then it sleeps until the next tick, at
/// least one second; at a cap nothing moves, so a run starts within about a second of a slot freeing. The core owns
/// the processes and enforces <c>queue_run_max</c>.
/// </summary>
internal sealed class PeriodicScheduler(TimeProvider time) : IQueueRunScheduler
{
    private static readonly TimeSpan MinimumSleep = TimeSpan.FromSeconds(1);

    public async Task RunAsync(IQueueSchedulerContext context, CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow();
        var entries = context.Schedule.Where(s => s.Interval > TimeSpan.Zero).Select(s => new ScheduleEntry(s, now)).ToList();
        if (entries.Count == 0) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            now = time.GetUtcNow();
            var due = entries.Where(e => e.NextTick <= now).OrderBy(e => e.NextTick).ThenBy(e => e.Spec.Interval).FirstOrDefault();
            if (due is not null && context.TryStartRunner(due.Spec)) due.NextTick = NextAfter(due.NextTick, due.Spec.Interval, now);
            var sleep = entries.Min(e => e.NextTick) - time.GetUtcNow();
            await Task.Delay(sleep < MinimumSleep ? MinimumSleep : sleep, time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>The first tick after <paramref name="now"/> on the grid that starts at <paramref name="tick"/>.</summary>
    internal static DateTimeOffset NextAfter(DateTimeOffset tick, TimeSpan interval, DateTimeOffset now)
    {
        var missed = (now - tick).Ticks / interval.Ticks;
        return tick + interval * (missed + 1);
    }
}
