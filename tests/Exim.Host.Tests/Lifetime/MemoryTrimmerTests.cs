using Exim.Host.Lifetime;
using Exim.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exim.Host.Tests.Lifetime;

[Collection(SerialCollection.Name)]
public sealed class MemoryTrimmerTests
{
    [Fact]
    public async Task AfterABurstFollowedByQuiet_TrimsOnce()
    {
        var trimmer = new MemoryTrimmer(TimeSpan.FromMilliseconds(100), 16L * 1024 * 1024, () => 0, NullLogger<MemoryTrimmer>.Instance);
        using var stop = new CancellationTokenSource();
        var running = trimmer.RunAsync(stop.Token);

        Burst(24 * 1024 * 1024);
        await Wait.UntilOrFailAsync(() => trimmer.Trims >= 1, TestTimeouts.Default, () => "a trim after the burst");
        var afterBurst = trimmer.Trims;
        await Task.Delay(500);

        Assert.Equal(afterBurst, trimmer.Trims); // quiet without a new burst: no further trims
        await stop.CancelAsync();
        await running.WaitAsync(TestTimeouts.Default);
    }

    [Fact]
    public async Task WithoutABurst_NeverTrims()
    {
        var trimmer = new MemoryTrimmer(TimeSpan.FromMilliseconds(50), long.MaxValue / 4, () => 0, NullLogger<MemoryTrimmer>.Instance);
        using var stop = new CancellationTokenSource();
        var running = trimmer.RunAsync(stop.Token);

        await Task.Delay(400);

        Assert.Equal(0, trimmer.Trims);
        await stop.CancelAsync();
        await running.WaitAsync(TestTimeouts.Default);
    }

    [Fact]
    public async Task MappedPages_AreReleasedOnceForEachNewGeneration_NotBeforeTheFirst()
    {
        long generation = 0;
        var trimmer = new MemoryTrimmer(TimeSpan.FromMilliseconds(50), long.MaxValue / 4, () => Volatile.Read(ref generation), NullLogger<MemoryTrimmer>.Instance);
        using var stop = new CancellationTokenSource();
        var running = trimmer.RunAsync(stop.Token);

        await Task.Delay(300);
        Assert.Equal(0, trimmer.PageReleases); // no generation yet: start-up is still going on

        Volatile.Write(ref generation, 1);
        await Wait.UntilOrFailAsync(() => trimmer.PageReleases == 1, TestTimeouts.Default, () => "a release after the first generation");
        await Task.Delay(300);
        Assert.Equal(1, trimmer.PageReleases);

        Volatile.Write(ref generation, 2); // a reload
        await Wait.UntilOrFailAsync(() => trimmer.PageReleases == 2, TestTimeouts.Default, () => "a release after the reload");
        await stop.CancelAsync();
        await running.WaitAsync(TestTimeouts.Default);
    }

    private static void Burst(int bytes)
    {
        for (var i = 0; i < bytes / 4096; i++) GC.KeepAlive(new byte[4096]);
    }
}
