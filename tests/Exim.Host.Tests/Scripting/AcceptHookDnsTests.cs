using Exim.TestKit;

namespace Exim.Host.Tests.Scripting;

/// <summary>Accept hooks that look things up: a DNS blocklist through the resolver plugin, and the verified host name.</summary>
public sealed class AcceptHookDnsTests(HookDnsFixture fixture) : IClassFixture<HookDnsFixture>
{
    [Fact]
    public async Task DnsBlocklist_RejectsAListedClient_WithTheListsReason()
    {
        await using var d = await HookDaemon.StartAsync("""
            var name = Dns.BlocklistName(Connection.RemoteAddress, "bl.test");
            if ((await Dns.A(name)).Count > 0) return Verdict.Reject($"listed at bl.test: {(await Dns.Txt(name)).FirstOrDefault()}");
            return Verdict.Accept;
            """, extra: fixture.ResolverPlugin, timeout: "5s");

        Assert.Equal("554 listed at bl.test: listed: test entry for 127.0.0.2", await HookDaemon.GreetingAsync(d, "127.0.0.2"));
        Assert.StartsWith("220 ", await HookDaemon.GreetingAsync(d, "127.0.0.1"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DnsFailure_ThrowsDnsLookupException_WhichTheScriptCanCatch()
    {
        await using var d = await HookDaemon.StartAsync("""
            try
            {
                await Dns.A("x.broken.test");
                return Verdict.Reject("lookup should have failed");
            }
            catch (DnsLookupException e)
            {
                Log.Warning($"blocklist unavailable: {e.Message}");
                return Verdict.Accept;
            }
            """, extra: fixture.ResolverPlugin, timeout: "10s");

        Assert.StartsWith("220 ", await HookDaemon.GreetingAsync(d, "127.0.0.1"), StringComparison.Ordinal);
        await d.WaitForLogAsync("scripts/accept.csx: blocklist unavailable: DNS lookup of x.broken.test (A) did not complete");
    }

    [Fact]
    public async Task HostName_IsTheForwardConfirmedName_OnlyWhenHostLookupMatches()
    {
        await using var d = await HookDaemon.StartAsync("""
            Log.Info($"name of {Connection.RemoteAddress}: {Connection.HostName ?? "(none)"}");
            return Verdict.Accept;
            """, extra: fixture.ResolverPlugin, mainOptions: "host_lookup = [\"127.0.0.1\", \"127.0.0.2\"]", timeout: "5s");

        await HookDaemon.GreetingAsync(d, "127.0.0.1"); // PTR client.finder.test, which has A 127.0.0.1
        await HookDaemon.GreetingAsync(d, "127.0.0.2"); // PTR liar.finder.test, whose A records do not include 127.0.0.2
        await HookDaemon.GreetingAsync(d, "127.0.0.9"); // not in host_lookup

        await d.WaitForLogAsync("name of 127.0.0.9: (none)");
        Assert.Contains("name of 127.0.0.1: client.finder.test", d.MainLog, StringComparison.Ordinal);
        Assert.Contains("name of 127.0.0.2: (none)", d.MainLog, StringComparison.Ordinal);
    }
}
