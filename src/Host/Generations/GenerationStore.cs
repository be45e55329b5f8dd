using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Generations;

/// <summary>
/// Holds the current generation. <see cref="Publish"/> swaps first and signals second; the replaced
/// generation is unloaded once its last lease is returned.
/// </summary>
internal sealed partial class GenerationStore(UnloadTracker unloads, ILogger<GenerationStore> logger)
{
    private Generation? _current;

    public Generation Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("no generation has been published");

    public bool HasCurrent => Volatile.Read(ref _current) is not null;

    public GenerationLease Acquire()
    {
        // Bounded: a generation can only drain after it has been replaced, so the next read sees the new one.
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var generation = Current;
            if (generation.TryAddReference()) return new GenerationLease(generation);
        }
        throw new InvalidOperationException("could not acquire a generation");
    }

    public void Publish(Generation next)
    {
        var previous = Interlocked.Exchange(ref _current, next);
        if (previous is null) return;
        previous.MarkSuperseded();
        previous.Release();
        _ = RetireAsync(previous);
    }

    /// <summary>Retires the current generation at shutdown and waits until it has drained and unloaded.</summary>
    public async Task ShutdownAsync(TimeSpan drainTimeout)
    {
        var last = Interlocked.Exchange(ref _current, null);
        if (last is null) return;
        last.MarkSuperseded();
        last.Release();
        await RetireAsync(last).WaitAsync(drainTimeout).ConfigureAwait(false);
    }

    private async Task RetireAsync(Generation generation)
    {
        try
        {
            await generation.Drained.ConfigureAwait(false);
            var contexts = new List<WeakReference<System.Runtime.Loader.AssemblyLoadContext>>();
            foreach (var plugin in generation.Plugins)
            {
                try
                {
                    // A plugin loaded for good (not collectible) stays loaded: nothing to watch for.
                    if (await plugin.UnloadAsync().ConfigureAwait(false) is { } context) contexts.Add(context);
                }
                catch (Exception e)
                {
                    PluginDisposeFailed(logger, plugin.Name, generation.Number, e);
                }
            }
            contexts.AddRange(generation.Hooks.Unload());
            GenerationRetired(logger, generation.Number);
            unloads.Track(generation.Number, contexts);
        }
        catch (Exception e)
        {
            PluginDisposeFailed(logger, "(all)", generation.Number, e);
        }
    }

    [LoggerMessage(EventIds.GenerationRetired, LogLevel.Information, "generation {Number} retired: plugins disposed, load contexts unloading")]
    private static partial void GenerationRetired(ILogger logger, long number);

    [LoggerMessage(EventIds.PluginDisposeFailed, LogLevel.Error, "plugin {Plugin} of generation {Number} failed to dispose")]
    private static partial void PluginDisposeFailed(ILogger logger, string plugin, long number, Exception exception);
}
