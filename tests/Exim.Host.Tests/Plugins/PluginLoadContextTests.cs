using System.Reflection;
using System.Runtime.Loader;
using Exim.Abstractions.Plugins;
using Exim.Abstractions.Resolution;
using Exim.Host.Delivery;
using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.TestKit;

namespace Exim.Host.Tests.Plugins;

/// <summary>
/// The load contexts plugins get: for good (not collectible, so the runtime runs their ReadyToRun code) in a process
/// that never reloads, collectible in the daemon and in every generation after the first; private dependencies from
/// the plugin's own directory.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class PluginLoadContextTests
{
    private static string Config(TempDirectory dir) => dir.Write("exim.toml", $"""
        spool_directory = "{dir.Combine("spool")}"
        primary_hostname = "test.example"
        local_interfaces = []
        [plugins.dns-resolver]
        assembly = "{RepoPaths.Plugin("dns-resolver", "Exim.Plugins.DnsResolver.dll")}"
        nameservers = ["127.0.0.1:53"]
        [plugins.gethostbyname-resolver]
        assembly = "{RepoPaths.Plugin("gethostbyname-resolver", "Exim.Plugins.GetHostByNameResolver.dll")}"
        """);

    /// <summary>The assembly of each plugin of the current generation, found through what it registered.</summary>
    private static List<Assembly> PluginAssemblies(Core core)
    {
        var strategies = core.Store.Current.Strategies;
        Assert.True(strategies.TryGet<IDnsRecordResolver>(StrategyKeys.Dns, out var dns));
        Assert.True(strategies.TryGet<IAddressResolver>(StrategyKeys.ByName, out var byname));
        return [dns.GetType().Assembly, byname.GetType().Assembly];
    }

    private static List<AssemblyLoadContext> PluginContexts(Core core) => [.. PluginAssemblies(core).Select(a => AssemblyLoadContext.GetLoadContext(a)!)];

    [Fact]
    public async Task QueueRunOrDelivery_LoadsItsPluginsForGood_AndAReloadStillLoadsAndUnloadsCollectibleOnes()
    {
        using var dir = new TempDirectory("exim-alc");
        var (core, process) = await DeliveryProcess.StartAsync(Config(dir), debug: false, TextWriter.Null); // -q, -M
        await using (core)
        {
            Assert.NotNull(process);
            await process.DisposeAsync();
            var first = PluginContexts(core);
            Assert.All(first, c => Assert.False(c.IsCollectible, $"{c.Name} is collectible in a process that never reloads"));
            Assert.All(first, c => Assert.NotSame(AssemblyLoadContext.Default, c));
            // Mapped from its file: the runtime runs ReadyToRun code only from such an image, not from one read into memory.
            Assert.Equal(RepoPaths.Plugin("dns-resolver", "Exim.Plugins.DnsResolver.dll"), PluginAssemblies(core)[0].Location);

            // Should such a process ever reload, what it loads then is collectible, and retired as in the daemon.
            Assert.Equal(ReloadStatus.Published, (await core.Reloader.ReloadAsync(ReloadReason.Signal).WaitAsync(TestTimeouts.Default)).Status);
            Assert.All(PluginContexts(core), c => Assert.True(c.IsCollectible, $"{c.Name} of generation 2 is not collectible"));
            Assert.All(PluginAssemblies(core), a => Assert.Empty(a.Location)); // read into memory: the file may be overwritten
            Assert.Equal(ReloadStatus.Published, (await core.Reloader.ReloadAsync(ReloadReason.Signal).WaitAsync(TestTimeouts.Default)).Status);
            await Wait.UntilOrFailAsync(() => core.Unloads.Collected == 1, TestTimeouts.Default,
                () => $"collected {core.Unloads.Collected}, pending {core.Unloads.Pending}, leaked {core.Unloads.Leaked}");
            Assert.Equal(0, core.Unloads.Leaked); // generation 1's contexts, kept for good, are not counted as a leak
            await core.Store.ShutdownAsync(TestTimeouts.Default);
        }
    }

    [Fact]
    public async Task ReloadingProcess_LoadsEvenItsFirstPluginsCollectible()
    {
        using var dir = new TempDirectory("exim-alc");
        await using var core = Core.Create(Config(dir), debug: false, reloads: true); // as -bd does
        Assert.Equal(ReloadStatus.Published, (await core.Reloader.StartAsync()).Status);
        try
        {
            Assert.All(PluginContexts(core), c => Assert.True(c.IsCollectible, $"{c.Name} of the daemon's first generation is not collectible"));
        }
        finally
        {
            await core.Store.ShutdownAsync(TestTimeouts.Default);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PrivateDependency_IsLoadedFromThePluginsDirectory_IntoItsContext(bool reloads)
    {
        using var dir = new TempDirectory("exim-alc");
        await using var core = Core.Create(Config(dir), debug: false, reloads: reloads);
        Assert.Equal(ReloadStatus.Published, (await core.Reloader.StartAsync()).Status);
        try
        {
            var dns = PluginContexts(core)[0];
            // DnsClient is the dns-resolver's own (its .deps.json, its directory), not the host's: in its context only.
            var client = dns.LoadFromAssemblyName(new AssemblyName("DnsClient"));
            Assert.Same(dns, AssemblyLoadContext.GetLoadContext(client));
            Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name == "DnsClient");
            // The contract is the host's: shared, not loaded again from anywhere else.
            Assert.Same(typeof(IEximPlugin).Assembly, dns.LoadFromAssemblyName(typeof(IEximPlugin).Assembly.GetName()));
        }
        finally
        {
            await core.Store.ShutdownAsync(TestTimeouts.Default);
        }
    }
}
