using Exim.Host.Tests.Resolution;
using Exim.TestKit;

namespace Exim.Host.Tests.Daemon;

/// <summary>host_lookup in a real daemon: reverse lookup with forward confirmation, answered by the test NSD.</summary>
public sealed class HostLookupTests(FinderFixture fixture) : IClassFixture<FinderFixture>
{
    private Task<TestDaemon> StartAsync() => TestDaemon.StartAsync(TestDaemon.SmtpConfig("host_lookup = [\"*\"]") + TestDaemon.DnsResolverPlugin(fixture.Dns.NameServer));

    private static async Task<string> SendAsync(TestDaemon d, string from)
    {
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port, from);
        await using var client = c;
        await client.CommandAsync("EHLO c.example");
        var reply = await client.SendMessageAsync("x@c.example", "y@test.example", "Subject: lookup\n\nbody");
        Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        await client.CommandAsync("QUIT");
        return reply["250 OK id=".Length..];
    }

    [Fact]
    public async Task ConfirmedName_AppearsInLogAndReceivedHeader()
    {
        await using var d = await StartAsync();

        var id = await SendAsync(d, "127.0.0.1");

        await d.WaitForLogAsync($"{id} <= x@c.example H=client.finder.test (c.example) [127.0.0.1] P=esmtp");
        var header = File.ReadAllText(Path.Combine(d.InputDirectory, id + "-H"));
        Assert.Contains("Received: from client.finder.test ([127.0.0.1] helo=c.example)\n", header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnconfirmedName_IsNotUsed()
    {
        await using var d = await StartAsync();

        var id = await SendAsync(d, "127.0.0.2");

        await d.WaitForLogAsync($"{id} <= x@c.example H=(c.example) [127.0.0.2] P=esmtp");
        Assert.DoesNotContain("liar.finder.test", d.MainLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoPtr_IsLoggedAsExim()
    {
        await using var d = await StartAsync();

        await SendAsync(d, "127.0.0.9");

        await d.WaitForLogAsync("no host name found for IP address 127.0.0.9");
    }
}
