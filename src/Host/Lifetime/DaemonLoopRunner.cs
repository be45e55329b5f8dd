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

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var stopped = Task.Delay(Timeout.Infinite, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            using var lease = store.Acquire();
            var generation = lease.Generation;
            if (!generation.Strategies.TryGet<IDaemonLoop>(Key, out var loop))
            {
                await Task.WhenAny(generation.Superseded, stopped).ConfigureAwait(false);
                continue;
            }

            using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var running = RunLoopAsync(loop, contexts(generation), cts.Token);
            var first = await Task.WhenAny(generation.Superseded, stopped, running).ConfigureAwait(false);
            if (first == running && !stoppingToken.IsCancellationRequested)
            {
                // The loop ended by itself; do not restart it in a tight loop, wait for a new generation.
                DaemonLoopEnded(logger, generation.Number);
                await Task.WhenAny(generation.Superseded, stopped).ConfigureAwait(false);
            }
            await cts.CancelAsync().ConfigureAwait(false);
            if (await Task.WhenAny(running, Task.Delay(stopTimeout, CancellationToken.None)).ConfigureAwait(false) != running)
            {
                DaemonLoopSlowStop(logger, generation.Number, stopTimeout.TotalSeconds);
            }
        }
    }

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
