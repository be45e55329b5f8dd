using Exim.Abstractions.Resolution;
using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.TestKit;

namespace Exim.Host.Tests.Resolution;

/// <summary>One NSD serving test zones, and the real dns-resolver plugin loaded through a generation, pointed at it.</summary>
public abstract class DnsPluginFixture((string Zone, string? File)[] zones) : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("exim-resolver");
    private Core? _core;

    public DnsServer Dns { get; private set; } = null!;

    public IDnsRecordResolver Resolver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Dns = await DnsServer.StartAsync(zones);
        var config = _dir.Write("exim.toml", $"""
            spool_directory = "spool"
            [plugins.dns-resolver]
            assembly = "{RepoPaths.Plugin("dns-resolver", "Exim.Plugins.DnsResolver.dll")}"
            nameservers = ["{Dns.NameServer}"]
            dns_retrans = "1s"
            dns_retry = 2
            """);
        _core = Core.Create(config, debug: false);
        var outcome = await _core.Reloader.StartAsync();
        if (outcome.Status != ReloadStatus.Published) throw new InvalidOperationException(string.Join("\n", outcome.Errors));
        Assert.True(_core.Store.Current.Strategies.TryGet<IDnsRecordResolver>("dns", out var resolver));
        Resolver = resolver;
    }

    public async Task DisposeAsync()
    {
        if (_core is not null)
        {
            await _core.Store.ShutdownAsync(TestTimeouts.Default);
            await _core.DisposeAsync();
        }
        await Dns.DisposeAsync();
        _dir.Dispose();
    }
}

/// <summary>The zones for the resolver plugin's own tests.</summary>
public sealed class ResolverFixture() : DnsPluginFixture([("resolver.test", "resolver.test.zone"), ("2.0.192.in-addr.arpa", "2.0.192.in-addr.arpa.zone"), ("broken.test", null)]);

/// <summary>The zones for the host finder's tests.</summary>
public sealed class FinderFixture() : DnsPluginFixture([("finder.test", "finder.test.zone"), ("127.in-addr.arpa", "127.in-addr.arpa.zone"), ("broken.test", null)]);
