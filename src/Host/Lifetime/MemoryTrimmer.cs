using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Lifetime;

/// <summary>
/// Gives memory back after a burst. A daemon that accepted thousands of connections is left with the GC's
/// committed-but-free space from the burst, and with no further allocation no collection ever runs to return it.
/// Every <c>interval</c>, if at least <c>burstBytes</c> were allocated since the last trim but the last interval was
/// quiet, one aggressive (compacting, decommitting) collection runs. It never runs while the daemon is busy.
/// One interval after start-up and after each reload (a new <paramref name="generation"/> number), the mapped files'
/// pages that start-up or the reload touched are given back (<see cref="MappedFilePages"/>).
/// </summary>
internal sealed partial class MemoryTrimmer(TimeSpan interval, long burstBytes, Func<long> generation, ILogger<MemoryTrimmer> logger)
{
    private int _trims;
    private long _pagesReleasedFor;
    private bool _pagesUnsupported;
    private int _pageReleases;

    /// <summary>How many trims have run.</summary>
    public int Trims => Volatile.Read(ref _trims);

    /// <summary>How many times the mapped files' pages were given back (once for each generation).</summary>
    public int PageReleases => Volatile.Read(ref _pageReleases);

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var sinceTrim = GC.GetTotalAllocatedBytes();
        var previous = sinceTrim;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                ReleaseMappedPagesOnNewGeneration();
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

    private void ReleaseMappedPagesOnNewGeneration()
    {
        var number = generation();
        if (_pagesUnsupported || number == _pagesReleasedFor || number == 0) return;
        _pagesReleasedFor = number;
        var result = MappedFilePages.Release();
        if (!result.Supported)
        {
            _pagesUnsupported = true;
            PagesUnsupported(logger, result.Reason ?? "");
            return;
        }
        Interlocked.Increment(ref _pageReleases);
        PagesReleased(logger, number, result.Mappings, result.BytesAdvised / 1024 / 1024, result.BytesReleased / 1024 / 1024);
    }

    [LoggerMessage(EventIds.MappedPagesReleased, LogLevel.Debug, "generation {Generation} settled: {Mappings} file mappings advised, {Advised} MiB of their pages paged out, resident file pages down {Released} MiB")]
    private static partial void PagesReleased(ILogger logger, long generation, long mappings, long advised, long released);

    [LoggerMessage(EventIds.MappedPagesNotReleased, LogLevel.Debug, "mapped files' pages are not given back: {Reason}")]
    private static partial void PagesUnsupported(ILogger logger, string reason);

    [LoggerMessage(EventIds.MemoryTrimmed, LogLevel.Debug, "quiet after a burst: GC committed memory trimmed from {Before} MiB to {After} MiB")]
    private static partial void Trimmed(ILogger logger, long before, long after);
}
