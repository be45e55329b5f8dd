using Exim.Abstractions.Daemon;
using Exim.Host.Generations;
using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Lifetime;

/// <summary>
/// Runs the current generation's daemon loop. When a new generation is published the old loop is cancelled
/// and awaited (bounded), then the new one starts. The loop holds a lease on its generation, so that
/// generation is not unloaded while its loop still runs.
/// </summary>
internal sealed partial class DaemonLoopRunner(GenerationStore store, Func<Generation, IDaemonContext> contexts, TimeSpan stopTimeout, ILogger<DaemonLoopRunner> logger)
{
    public const string Key = "daemon";

    public Task RunAsync(CancellationToken stoppingToken) => new StrategyLoop<IDaemonLoop>(store, Key, stopTimeout)
    {
        EndedEarly = g => DaemonLoopEnded(logger, g.Number),
        SlowStop = g => DaemonLoopSlowStop(logger, g.Number, stopTimeout.TotalSeconds),
    }.RunAsync((g, loop, ct) => RunLoopAsync(loop, contexts(g), ct), stoppingToken);

    private async Task RunLoopAsync(IDaemonLoop loop, IDaemonContext context, CancellationToken cancellationToken)
    {
        try
        {
            await loop.RunAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            DaemonLoopFailed(logger, context.Generation, e);
        }
    }

    [LoggerMessage(EventIds.DaemonLoopFailed, LogLevel.Critical, "daemon loop of generation {Number} failed")]
    private static partial void DaemonLoopFailed(ILogger logger, long number, Exception exception);

    [LoggerMessage(EventIds.DaemonLoopFailed, LogLevel.Error, "daemon loop of generation {Number} returned before it was stopped")]
    private static partial void DaemonLoopEnded(ILogger logger, long number);

    [LoggerMessage(EventIds.DaemonLoopSlowStop, LogLevel.Warning, "daemon loop of generation {Number} did not stop within {Seconds}s; starting the next one anyway")]
    private static partial void DaemonLoopSlowStop(ILogger logger, long number, double seconds);
}
