using Exim.Abstractions.Queue;

namespace Exim.Plugins.QueueRunner;

/// <summary>One <c>-q&lt;time&gt;</c> of the daemon's command line and when it is next due.</summary>
internal sealed class ScheduleEntry(QueueRunSpec spec, DateTimeOffset firstTick)
{
    public QueueRunSpec Spec { get; } = spec;

    public DateTimeOffset NextTick { get; private set; } = firstTick;

    /// <summary>Moves the next tick past <paramref name="now"/> by whole intervals: missed ticks are skipped, not caught up.</summary>
    public void Advance(DateTimeOffset now)
    {
        var interval = Spec.Interval;
        var missed = (now - NextTick).Ticks / interval.Ticks;
        NextTick += TimeSpan.FromTicks(interval.Ticks * (missed + 1));
    }
}
