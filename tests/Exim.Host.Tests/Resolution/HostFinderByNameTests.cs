using System.Net;
using Exim.Abstractions.Plugins;
using Exim.Abstractions.Resolution;
using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.Mail.Resolution;
using Exim.TestKit;

namespace Exim.Host.Tests.Resolution;

/// <summary>host_find_byname through the real gethostbyname-resolver plugin; "localhost" comes from /etc/hosts.</summary>
public sealed class HostFinderByNameTests
{
    private static async Task<(HostFindResult Result, IAsyncDisposable Core)> FindAsync(string name, HostFindOptions options)
    {
        var dir = new TempDirectory();
        var config = dir.Write("exim.toml", $"""
            spool_directory = "spool"
            [plugins.gethostbyname-resolver]
            assembly = "{RepoPaths.Plugin("gethostbyname-resolver", "Exim.Plugins.GetHostByNameResolver.dll")}"
            """);
        var core = Core.Create(config, debug: false);
        Assert.Equal(ReloadStatus.Published, (await core.Reloader.StartAsync()).Status);
        Assert.True(core.Store.Current.Strategies.TryGet<IAddressResolver>(StrategyKeys.ByName, out var resolver));
        var result = await HostFinderByName.FindAsync(resolver, name, options, CancellationToken.None).WaitAsync(TestTimeouts.Default);
        await core.Store.ShutdownAsync(TestTimeouts.Default);
        return (result, core);
    }

    [Fact]
    public async Task Localhost_ResolvesFromEtcHosts_AndIsLocal()
    {
        var (r, core) = await FindAsync("localhost", new HostFindOptions { LocalAddresses = [IPAddress.Loopback, IPAddress.IPv6Loopback] });
        await using var _ = core;

        Assert.Equal(HostFindStatus.FoundLocal, r.Status);
        Assert.Contains(r.Hosts, h => IPAddress.Loopback.Equals(h.Address));
        Assert.All(r.Hosts, h => Assert.Equal(-1, h.Mx));
    }

    [Fact]
    public async Task Ipv4Only_AndIgnoreTargetHosts_Apply()
    {
        var (r, core) = await FindAsync("localhost", new HostFindOptions { Ipv4Only = true, IgnoreTargetHosts = new Mail.Matching.HostList(["127.0.0.0/8"]) });
        await using var _ = core;

        Assert.Equal(HostFindStatus.Failed, r.Status);
        Assert.Empty(r.Hosts);
    }

    [Fact]
    public async Task IpLiteral_IsAnsweredWithoutALookup_AndIsNotLocalUnlessListed()
    {
        var (r, core) = await FindAsync("192.0.2.77", new HostFindOptions());
        await using var _ = core;

        Assert.Equal(HostFindStatus.Found, r.Status);
        Assert.Equal(IPAddress.Parse("192.0.2.77"), Assert.Single(r.Hosts).Address);
    }
}
