using System.Runtime.Loader;
using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.TestKit;

namespace Exim.Host.Tests.Generations;

/// <summary>
/// Many consecutive reloads through the real reloader, catalog and load contexts: loaded assemblies and the GC
/// heap must stay flat. The bounds are generous on purpose; exact figures come from bench/ (ReloadBenchmark).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ReloadSoakTests
{
    [Fact]
    public async Task TwoHundredReloads_LeaveAssembliesAndHeapFlat()
    {
        using var dir = new TempDirectory("exim-soak");
        var plugin = TestPluginFiles.Deploy(TestPluginFiles.V1, dir.Combine("plugins", "test"));
        var config = dir.Write("exim.toml", TestPluginFiles.Config(plugin, dir.Combine("status")) + $"""

            [plugins.interface-scanner]
            assembly = "{RepoPaths.Plugin("interface-scanner", "Exim.Plugins.InterfaceScanner.dll")}"
            [plugins.gethostbyname-resolver]
            assembly = "{RepoPaths.Plugin("gethostbyname-resolver", "Exim.Plugins.GetHostByNameResolver.dll")}"
            """);
        await using var core = Core.Create(config, debug: false, unloadGrace: TimeSpan.FromSeconds(20), reloads: true);
        Assert.Equal(ReloadStatus.Published, (await core.Reloader.StartAsync()).Status);

        await ReloadAsync(core, 20);
        var (assembliesBefore, contextsBefore, heapBefore) = await UnloadCensus.SettleAsync(core);

        await ReloadAsync(core, 180);
        var (assembliesAfter, contextsAfter, heapAfter) = await UnloadCensus.SettleAsync(core);

        Assert.Equal(201, core.Store.Current.Number);
        Assert.Equal(200, core.Unloads.Collected);
        Assert.Equal(0, core.Unloads.Leaked);
        Assert.Equal(assembliesBefore, assembliesAfter);
        Assert.Equal(contextsBefore, contextsAfter);
        Assert.True(heapAfter - heapBefore < 8 * 1024 * 1024, $"GC heap grew from {heapBefore:N0} to {heapAfter:N0} bytes over 180 reloads");
        await core.Store.ShutdownAsync(TestTimeouts.Default);
    }

    private static async Task ReloadAsync(Core core, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var outcome = await core.Reloader.ReloadAsync(ReloadReason.Signal).WaitAsync(TestTimeouts.Default);
            Assert.True(outcome.Status == ReloadStatus.Published, string.Join("\n", outcome.Errors));
        }
    }
}
