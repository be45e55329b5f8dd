using Exim.Host.Tests.Resolution;
using Exim.TestKit;

namespace Exim.Host.Tests.Daemon;

/// <summary>
/// Host lists that name hosts, in a real daemon, with names from the test NSD: 127.0.0.1 is client.finder.test
/// (confirmed), 127.0.0.2's name liar.finder.test does not confirm.
/// </summary>
public sealed class HostNameListDaemonTests(FinderFixture fixture) : IClassFixture<FinderFixture>
{
    private Task<TestDaemon> StartAsync(string extra, string relayFromHosts = "[\"127.0.0.1\"]") => TestDaemon.StartAsync(TestDaemon.SmtpConfig(extra, relayFromHosts) + TestDaemon.DnsResolverPlugin(fixture.Dns.NameServer));

    private static async Task<string> RelayAsync(TestDaemon d, string from)
    {
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port, from);
        await using var client = c;
        await client.CommandAsync("EHLO c.example");
        await client.CommandAsync("MAIL FROM:<x@c.example>");
        return await client.CommandAsync("RCPT TO:<y@elsewhere.example>");
    }

    [Theory]
    [InlineData("[\"*.finder.test\"]")]
    [InlineData("[\"client.finder.test\"]")]
    public async Task RelayFromHosts_ByName_RelaysForTheNamedHostOnly(string relayFromHosts)
    {
        await using var d = await StartAsync("", relayFromHosts);

        Assert.StartsWith("250 ", await RelayAsync(d, "127.0.0.1"), StringComparison.Ordinal);
        Assert.StartsWith("550 relay not permitted", await RelayAsync(d, "127.0.0.2"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RelayFromHosts_ALookupThatDefers_Is451()
    {
        await using var d = await StartAsync("", "[\"x.broken.test\"]");

        Assert.StartsWith("451 Temporary local problem", await RelayAsync(d, "127.0.0.1"), StringComparison.Ordinal);
        await d.WaitForLogAsync("temporarily rejected RCPT <y@elsewhere.example>: host lookup for relay_from_hosts did not complete");
    }

    [Fact]
    public async Task HostLookup_ByName_LooksUpOnlyTheNamedHosts()
    {
        await using var d = await StartAsync("host_lookup = [\"client.finder.test\"]");

        var (a, _) = await SmtpTestClient.OpenAsync(d.Port, "127.0.0.1");
        await using (a) await a.CommandAsync("QUIT");
        var (b, _) = await SmtpTestClient.OpenAsync(d.Port, "127.0.0.9");
        await using (b) await b.CommandAsync("QUIT");

        await d.WaitForLogAsync("SMTP connection from client.finder.test [127.0.0.1] closed by QUIT");
        await d.WaitForLogAsync("SMTP connection from [127.0.0.9] closed by QUIT");
        // 127.0.0.9 is not in host_lookup (client.finder.test is 127.0.0.1), so its missing PTR is never looked for.
        Assert.DoesNotContain("no host name found for IP address 127.0.0.9", d.MainLog, StringComparison.Ordinal);
    }

    /// <summary>Opens one connection from each address in turn, all held open, and returns their greetings.</summary>
    private static async Task<string[]> GreetingsAsync(TestDaemon d, params string[] froms)
    {
        var clients = new List<SmtpTestClient>();
        try
        {
            var greetings = new List<string>();
            foreach (var from in froms)
            {
                var (client, greeting) = await SmtpTestClient.OpenAsync(d.Port, from);
                clients.Add(client);
                greetings.Add(greeting);
            }
            return [.. greetings];
        }
        finally
        {
            foreach (var client in clients) await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task SmtpReserveHosts_ByName_KeepsTheLastSlotForTheNamedHost()
    {
        await using var d = await StartAsync("smtp_accept_max = 2\nsmtp_accept_reserve = 1\nsmtp_reserve_hosts = [\"*.finder.test\"]");

        var greetings = await GreetingsAsync(d, "127.0.0.2", "127.0.0.2", "127.0.0.1");

        Assert.Equal("421 mx.test.example: Too many concurrent SMTP connections; please try again later", greetings[1]);
        Assert.StartsWith("220 ", greetings[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostRejectConnection_ByName_RejectsTheNamedHost()
    {
        await using var d = await StartAsync("host_reject_connection = [\"client.finder.test\"]");

        var greetings = await GreetingsAsync(d, "127.0.0.1", "127.0.0.2");

        Assert.Equal("554 SMTP service not available", greetings[0]);
        Assert.StartsWith("220 ", greetings[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostCheck_GoesThroughTheDaemonsAdmissionChain_NameLookupsIncluded()
    {
        // -bh runs the daemon's admission chain, so a host list that names hosts is matched with its lookups there too.
        using var dir = new TempDirectory("exim-bh-names");
        var config = dir.Write("exim.toml", TestDaemon.SmtpConfig("host_reject_connection = [\"client.finder.test\"]") + TestDaemon.DnsResolverPlugin(fixture.Dns.NameServer));

        var (code, stdout, stderr) = await EximProcess.RunWithInputAsync(dir.Path, "QUIT\n", ["-C", config, "-bh", "127.0.0.1"]);

        Assert.True(code == 0, stderr);
        Assert.EndsWith("554 SMTP service not available\n", stdout, StringComparison.Ordinal);
        Assert.Contains("LOG: refused connection from [127.0.0.1] (host_reject_connection)", stderr, StringComparison.Ordinal);
    }
}
