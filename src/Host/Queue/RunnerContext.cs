using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Abstractions.Queue;

namespace Exim.Host.Queue;

/// <summary>What one generation's scheduler is lent: its configuration, the command line's schedule, and the runner slots.</summary>
internal sealed class RunnerContext(EximConfig config, ImmutableArray<QueueRunSpec> schedule, RunnerProcesses processes) : IQueueSchedulerContext
{
    public EximConfig Config => config;
    public ImmutableArray<QueueRunSpec> Schedule => schedule;
    public int TotalActiveRunners => processes.Total;
    public int ActiveRunners(string? queueName) => processes.Active(queueName);
    public bool TryStartRunner(QueueRunSpec spec) => processes.TryStart(spec, config);
}
