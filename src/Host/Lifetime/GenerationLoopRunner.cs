using Exim.Host.Generations;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Lifetime;

/// <summary>
/// Runs a long-lived strategy of the current generation (the daemon loop, the queue scheduler). When a new
/// generation is published the old run is cancelled and awaited (bounded), then the new one starts. The run holds
/// a lease on its generation, so that generation is not unloaded while it still runs.
/// </summary>
/// <param name="store">The generations.</param>
/// <param name="key">The strategy's registration key.</param>
/// <param name="what">How log lines name it, e.g. "daemon loop".</param>
/// <param name="run">Runs the strategy of one generation until the token is cancelled.</param>
/// <param name="stopTimeout">How long a cancelled run may take to return.</param>
/// <param name="logger">For failures.</param>
internal sealed class GenerationLoopRunner<TStrategy>(GenerationStore store, string key, string what,
    Func<Generation, TStrategy, CancellationToken, Task> run, TimeSpan stopTimeout, ILogger logger) where TStrategy : class
{
    private volatile Task? _running;

    /// <summary>The current generation's run is under way: it has not ended by itself or failed (systemd's watchdog asks).</summary>
    public bool IsRunning => _running is { IsCompleted: false };

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var stopped = Task.Delay(Timeout.Infinite, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            using var lease = store.Acquire();
            var generation = lease.Generation;
            if (!generation.Strategies.TryGet<TStrategy>(key, out var strategy))
            {
                await Task.WhenAny(generation.Superseded, stopped).ConfigureAwait(false);
                continue;
            }

            using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var running = RunOneAsync(generation, strategy, cts.Token);
            _running = running;
            var first = await Task.WhenAny(generation.Superseded, stopped, running).ConfigureAwait(false);
            if (first == running && !stoppingToken.IsCancellationRequested)
            {
                // It ended by itself; do not restart it in a tight loop, wait for a new generation.
                LoopRunnerLog.Ended(logger, what, generation.Number);
                await Task.WhenAny(generation.Superseded, stopped).ConfigureAwait(false);
            }
            await cts.CancelAsync().ConfigureAwait(false);
            if (await Task.WhenAny(running, Task.Delay(stopTimeout, CancellationToken.None)).ConfigureAwait(false) != running)
            {
                LoopRunnerLog.SlowStop(logger, what, generation.Number, stopTimeout.TotalSeconds);
            }
        }
    }

    private async Task RunOneAsync(Generation generation, TStrategy strategy, CancellationToken cancellationToken)
    {
        try
        {
            await run(generation, strategy, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LoopRunnerLog.Failed(logger, what, generation.Number, e);
        }
    }
}
