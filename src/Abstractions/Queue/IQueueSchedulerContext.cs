using System.Collections.Immutable;
using Exim.Abstractions.Plugins;

namespace Exim.Abstractions.Queue;

/// <summary>What the core lends a queue-run scheduler.</summary>
public interface IQueueSchedulerContext
{
    /// <summary>The main options of the scheduler's generation (e.g. <c>queue_run_max</c>).</summary>
    IMainOptionsView Main { get; }

    /// <summary>The periodic runners asked for on the command line.</summary>
    ImmutableArray<QueueRunSpec> Schedule { get; }

    /// <summary>How many runners are active for <paramref name="queueName"/> (null: the default queue).</summary>
    /// <param name="queueName">The queue.</param>
    int ActiveRunners(string? queueName);

    /// <summary>How many runners are active in total.</summary>
    int TotalActiveRunners { get; }

    /// <summary>Starts one runner process for <paramref name="spec"/>; false when no runner slot is free.</summary>
    /// <param name="spec">What to run.</param>
    bool TryStartRunner(QueueRunSpec spec);
}
