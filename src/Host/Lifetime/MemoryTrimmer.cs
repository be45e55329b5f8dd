using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Lifetime;

/// <summary>
/// Gives memory back after a burst. A daemon that accepted thousands of connections is left with the GC's
/// committed-but-free space from the burst, and with no further allocation no collection ever runs to return it.
/// Every <c>interval</c>, if at least <c>burstBytes</c> were allocated since the last trim but the last interval was
/// quiet, one aggressive (compacting, decommitting) collection runs. It never runs while the daemon is busy.
/// </summary>
internal sealed partial class MemoryTrimmer(TimeSpan interval, long burstBytes, ILogger<MemoryTrimmer> logger)
{
    private int _trims;

    /// <summary>How many trims have run.</summary>
    public int Trims => Volatile.Read(ref _trims);

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var sinceTrim = GC.GetTotalAllocatedBytes();
        var previous = sinceTrim;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = GC.GetTotalAllocatedBytes();
                var quiet = now - previous < burstBytes / 16;
                previous = now;
                if (!quiet || now - sinceTrim < burstBytes) continue;
                var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                var after = GC.GetGCMemoryInfo().TotalCommittedBytes;
                Interlocked.Increment(ref _trims);
                Trimmed(logger, before / 1024 / 1024, after / 1024 / 1024);
                sinceTrim = previous = GC.GetTotalAllocatedBytes();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventIds.MemoryTrimmed, LogLevel.Debug, "quiet after a burst: GC committed memory trimmed from {Before} MiB to {After} MiB")]
    private static partial void Trimmed(ILogger logger, long before, long after);
}
