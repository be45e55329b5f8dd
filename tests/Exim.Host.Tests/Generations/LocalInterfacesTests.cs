using System.Net;
using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.TestKit;

namespace Exim.Host.Tests.Generations;

/// <summary>What "this host" means, built by each generation from the interface-scanner plugin and the config.</summary>
public sealed class LocalInterfacesTests
{
    private static async Task<IReadOnlyList<IPAddress>> LocalAddressesAsync(string mainOptions, string? listenOverride = null)
    {
        using var dir = new TempDirectory();
        var config = dir.Write("exim.toml", $"""
            spool_directory = "spool"
            {mainOptions}
            [plugins.interface-scanner]
            assembly = "{RepoPaths.Plugin("interface-scanner", "Exim.Plugins.InterfaceScanner.dll")}"
            """);
        await using var core = Core.Create(config, debug: false, listenOverride: listenOverride);
        var outcome = await core.Reloader.StartAsync();
        Assert.True(outcome.Status == ReloadStatus.Published, string.Join("\n", outcome.Errors));
        var addresses = core.Store.Current.LocalAddresses;
        await core.Store.ShutdownAsync(TestTimeouts.Default);
        return addresses;
    }

    [Fact]
    public async Task Wildcards_AreExpandedFromTheScanner_LoopbackIncluded_PlusExtraInterfaces()
    {
        var local = await LocalAddressesAsync("""
            local_interfaces = ["0.0.0.0", "::0"]
            extra_local_interfaces = ["192.0.2.55"]
            """);

        Assert.Contains(IPAddress.Loopback, local);
        Assert.Contains(IPAddress.IPv6Loopback, local);
        Assert.Contains(IPAddress.Parse("192.0.2.55"), local);
        Assert.DoesNotContain(IPAddress.Any, local);
        Assert.Equal(local.Count, local.Distinct().Count());
    }

    [Fact]
    public async Task SpecificInterfaces_DropLoopbackFromLocalDetection_AsInExim()
    {
        var local = await LocalAddressesAsync("local_interfaces = [\"192.0.2.1.25\"]\nextra_local_interfaces = [\"[2001:db8::1]:26\"]");

        Assert.Equal([IPAddress.Parse("192.0.2.1"), IPAddress.Parse("2001:db8::1")], local);
    }

    [Fact]
    public async Task ListenOverride_ReplacesLocalInterfaces()
    {
        var local = await LocalAddressesAsync("local_interfaces = [\"192.0.2.1\"]", listenOverride: "<; 198.51.100.7 ; 2525");

        Assert.Equal([IPAddress.Parse("198.51.100.7")], local);
    }
}
