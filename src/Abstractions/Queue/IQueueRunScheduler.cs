namespace Exim.Abstractions.Queue;

/// <summary>
/// Decides when queue runners start (registered under the key <see cref="Plugins.StrategyKeys.QueueScheduler"/>). The core owns the runner
/// processes and their slots; the scheduler asks it to start them.
/// </summary>
public interface IQueueRunScheduler
{
    /// <summary>Runs until <paramref name="stoppingToken"/> is cancelled.</summary>
    /// <param name="context">The schedule and the means to start runners.</param>
    /// <param name="stoppingToken">Cancelled when this generation is replaced or the daemon stops.</param>
    Task RunAsync(IQueueSchedulerContext context, CancellationToken stoppingToken);
}
