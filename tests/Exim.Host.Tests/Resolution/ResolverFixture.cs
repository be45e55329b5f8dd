using Exim.Abstractions.Resolution;
using Exim.TestKit;

namespace Exim.Host.Tests.Resolution;

/// <summary>One NSD serving test zones, and the real dns-resolver plugin loaded through a generation, pointed at it.</summary>
public abstract class DnsPluginFixture((string Zone, string? File)[] zones, string resolverOptions = "") : IAsyncLifetime
{
    private ResolverHost? _host;

    public DnsServer Dns { get; private set; } = null!;

    public IDnsRecordResolver Resolver => _host!.Resolver;

    public async Task InitializeAsync()
    {
        Dns = await DnsServer.StartAsync(zones);
        _host = await ResolverHost.StartAsync(Dns.NameServer, "dns_retrans = \"1s\"\ndns_retry = 2\n" + resolverOptions);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        await Dns.DisposeAsync();
    }
}

/// <summary>The zones for the resolver plugin's own tests.</summary>
public sealed class ResolverFixture() : DnsPluginFixture([("resolver.test", "resolver.test.zone"), ("2.0.192.in-addr.arpa", "2.0.192.in-addr.arpa.zone"), ("broken.test", null)]);

/// <summary>The zones for the host finder's tests.</summary>
public sealed class FinderFixture() : DnsPluginFixture([("finder.test", "finder.test.zone"), ("127.in-addr.arpa", "127.in-addr.arpa.zone"), ("broken.test", null)]);

/// <summary>
/// The zones for DNSSEC, search-list, widening and rerouting tests: the finder's zone, secure.test (trusted through
/// dns_trust_aa where a test says so), and a root zone so that names outside them are NXDOMAIN, as on the Internet.
/// The resolver's search list is finder.test.
/// </summary>
public sealed class RoutingFixture() : DnsPluginFixture(
    [("finder.test", "finder.test.zone"), ("secure.test", "secure.test.zone"), (".", "root.zone"), ("broken.test", null)],
    "search = [\"finder.test\"]");

/// <summary>The zones for the <c>exim -bt</c> golden tests: bt.test (CNAME shapes, names in capitals), the finder's zone, and a root.</summary>
public sealed class AddressTestFixture() : DnsPluginFixture(
    [("bt.test", "bt.test.zone"), ("finder.test", "finder.test.zone"), (".", "root.zone"), ("broken.test", null)]);
