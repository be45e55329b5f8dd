using Exim.TestKit;

namespace Exim.Host.Tests.Scripting;

/// <summary>NSD serving a blocklist zone, the loopback reverse zone and finder.test, for accept hooks that use DNS.</summary>
public sealed class HookDnsFixture : IAsyncLifetime
{
    public DnsServer Dns { get; private set; } = null!;

    /// <summary>The dns-resolver plugin pointed at this server, as a plugin table for exim.toml.</summary>
    public string ResolverPlugin => $"""

        [plugins.dns-resolver]
        assembly = "{RepoPaths.Plugin("dns-resolver", "Exim.Plugins.DnsResolver.dll")}"
        nameservers = ["{Dns.NameServer}"]
        dns_retrans = "1s"
        dns_retry = 2
        """;

    public async Task InitializeAsync()
        => Dns = await DnsServer.StartAsync([("bl.test", "bl.test.zone"), ("finder.test", "finder.test.zone"), ("127.in-addr.arpa", "127.in-addr.arpa.zone"), ("broken.test", null)]);

    public async Task DisposeAsync() => await Dns.DisposeAsync();
}
