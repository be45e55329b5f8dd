using System.Runtime.Loader;
using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Generations;

/// <summary>
/// Confirms that retired plugin and script load contexts are really collected, and says so in the main log; a context
/// still alive after the grace period is a plugin leak (a static event, a timer, a cached type) and is logged
/// as a warning.
/// </summary>
internal sealed partial class UnloadTracker(ILogger<UnloadTracker> logger, TimeSpan gracePeriod) : IDisposable
{
    private readonly CancellationTokenSource _stopped = new();
    private int _pending;
    private long _collected;
    private long _leaked;

    public int Pending => Volatile.Read(ref _pending);
    public long Collected => Interlocked.Read(ref _collected);
    public long Leaked => Interlocked.Read(ref _leaked);

    /// <summary>Stops every check still running, silently (the process is shutting down).</summary>
    public void Dispose() => _stopped.Cancel(); // not disposed: checks still running read its token

    public void Track(long generation, List<WeakReference<AssemblyLoadContext>> contexts)
    {
        if (contexts.Count == 0 || _stopped.IsCancellationRequested) return;
        Interlocked.Increment(ref _pending);
        _ = Task.Run(() => WatchAsync(generation, contexts));
    }

    private async Task WatchAsync(long generation, List<WeakReference<AssemblyLoadContext>> contexts)
    {
        var deadline = DateTime.UtcNow + gracePeriod;
        var delay = TimeSpan.FromMilliseconds(10);
        var stopped = _stopped.Token;
        try
        {
            while (!stopped.IsCancellationRequested)
            {
                // Unloading needs a collection to run finalizers and a second one to free the context.
                for (var i = 0; i < 3 && contexts.Any(IsAlive); i++)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }
                if (stopped.IsCancellationRequested) return;
                if (!contexts.Any(IsAlive))
                {
                    Interlocked.Increment(ref _collected);
                    GenerationCollected(logger, generation, contexts.Count);
                    return;
                }
                if (DateTime.UtcNow >= deadline)
                {
                    Interlocked.Increment(ref _leaked);
                    GenerationStillAlive(logger, generation, contexts.Count(IsAlive), gracePeriod.TotalSeconds);
                    return;
                }
                await Task.Delay(delay, stopped).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    private static bool IsAlive(WeakReference<AssemblyLoadContext> context) => context.TryGetTarget(out _);

    [LoggerMessage(EventIds.GenerationCollected, LogLevel.Information, "generation {Number} collected: {Count} plugin and script load context(s) unloaded")]
    private static partial void GenerationCollected(ILogger logger, long number, int count);

    [LoggerMessage(EventIds.GenerationStillAlive, LogLevel.Warning, "generation {Number}: {Count} plugin or script load context(s) still alive {Seconds}s after retirement (something keeps a reference)")]
    private static partial void GenerationStillAlive(ILogger logger, long number, int count, double seconds);
}
