namespace Exim.Host.Generations;

/// <summary>
/// Runs one keyed strategy of the current generation (the daemon loop, the queue-run scheduler) on a lease of that
/// generation, until a newer generation is published or the process stops; then the old run is cancelled and awaited
/// (bounded) and the new generation's strategy starts. A run that ends by itself is not restarted in a tight loop:
/// the next generation is awaited.
/// </summary>
internal sealed class StrategyLoop<T>(GenerationStore store, string key, TimeSpan stopTimeout) where T : class
{
    /// <summary>Called when the generation has no strategy under the key.</summary>
    public Action<Generation> Missing { get; init; } = static _ => { };

    /// <summary>Called when a run returned before it was stopped.</summary>
    public Action<Generation> EndedEarly { get; init; } = static _ => { };

    /// <summary>Called when a cancelled run did not finish within the stop timeout.</summary>
    public Action<Generation> SlowStop { get; init; } = static _ => { };

    public async Task RunAsync(Func<Generation, T, CancellationToken, Task> run, CancellationToken stoppingToken)
    {
        var stopped = Task.Delay(Timeout.Infinite, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            using var lease = store.Acquire();
            var generation = lease.Generation;
            if (!generation.Strategies.TryGet<T>(key, out var strategy))
            {
                Missing(generation);
                await Task.WhenAny(generation.Superseded, stopped).ConfigureAwait(false);
                continue;
            }

            using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var running = run(generation, strategy, cts.Token);
            var first = await Task.WhenAny(generation.Superseded, stopped, running).ConfigureAwait(false);
            if (first == running && !stoppingToken.IsCancellationRequested)
            {
                EndedEarly(generation);
                await Task.WhenAny(generation.Superseded, stopped).ConfigureAwait(false);
            }
            await cts.CancelAsync().ConfigureAwait(false);
            if (await Task.WhenAny(running, Task.Delay(stopTimeout, CancellationToken.None)).ConfigureAwait(false) != running) SlowStop(generation);
        }
    }
}
