using Exim.Abstractions.Queue;

namespace Exim.Plugins.QueueRunner;

/// <summary>One periodic runner from the command line and when it is next due.</summary>
internal sealed class ScheduleEntry(QueueRunSpec spec, DateTimeOffset nextTick)
{
    public QueueRunSpec Spec { get; } = spec;
    public DateTimeOffset NextTick { get; set; } = nextTick;
}
