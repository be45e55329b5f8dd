using System.Collections.Immutable;
using Exim.Abstractions.Queue;
using Exim.Host.Generations;
using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Queue;

/// <summary>
/// Runs the current generation's queue-run scheduler (a plugin registering <see cref="IQueueRunScheduler"/> under
/// <c>"queue"</c>) for the periodic runs asked for with <c>-q&lt;time&gt;</c>, on a lease of that generation; when a
/// new generation is published the old scheduler is cancelled and the new one starts (the slots stay).
/// </summary>
internal sealed partial class SchedulerHost(GenerationStore store, ImmutableArray<QueueRunSpec> schedule, RunnerProcesses processes, ILogger logger)
{
    public const string Key = "queue";

    public Task RunAsync(CancellationToken stoppingToken) => new StrategyLoop<IQueueRunScheduler>(store, Key, TimeSpan.FromSeconds(10))
    {
        Missing = g => SchedulerMissing(logger, g.Number),
    }.RunAsync((g, scheduler, ct) => RunOneAsync(scheduler, new RunnerContext(g.Config, schedule, processes), g.Number, ct), stoppingToken);

    private async Task RunOneAsync(IQueueRunScheduler scheduler, RunnerContext context, long generation, CancellationToken cancellationToken)
    {
        try
        {
            await scheduler.RunAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            SchedulerFailed(logger, generation, e);
        }
    }

    [LoggerMessage(EventIds.SchedulerMissing, LogLevel.Critical, "generation {Generation}: periodic queue runs were asked for, but no plugin registers a queue-run scheduler (\"queue\"); none will start")]
    private static partial void SchedulerMissing(ILogger logger, long generation);

    [LoggerMessage(EventIds.SchedulerFailed, LogLevel.Critical, "generation {Generation}: the queue-run scheduler failed; no more runs until the next reload")]
    private static partial void SchedulerFailed(ILogger logger, long generation, Exception exception);
}
