using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Abstractions.Plugins;
using Exim.Abstractions.Queue;
using Exim.Host.Plugins;

namespace Exim.Host.Queue;

/// <summary>What the core lends the queue scheduler of one generation: the -q schedule and the runner processes.</summary>
internal sealed class QueueSchedulerContext(EximConfig config, ImmutableArray<QueueRunSpec> schedule, QueueRunnerProcesses runners) : IQueueSchedulerContext
{
    public IMainOptionsView Main { get; } = new MainOptionsView(config);

    public ImmutableArray<QueueRunSpec> Schedule => schedule;

    public int TotalActiveRunners => runners.Total;

    public int ActiveRunners(string? queueName) => runners.Active(queueName);

    public bool TryStartRunner(QueueRunSpec spec) => runners.TryStart(spec, config.Main.QueueRunMax);
}
