namespace Exim.Abstractions.Queue;

/// <summary>One periodic queue runner requested on the command line (<c>-q30m</c>, <c>-qqGbulk/1h</c>).</summary>
/// <param name="QueueName">The named queue, or <see langword="null"/> for the default queue.</param>
/// <param name="Interval">Time between runs; <see cref="TimeSpan.Zero"/> for a single run.</param>
/// <param name="Flags">The run's flags.</param>
public sealed record QueueRunSpec(string? QueueName, TimeSpan Interval, QueueRunFlags Flags);
