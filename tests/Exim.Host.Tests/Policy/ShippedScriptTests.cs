using Exim.TestKit;

namespace Exim.Host.Tests.Policy;

/// <summary>
/// The policies shipped in scripts/ (helo.csx, rcpt.csx, data.csx), unmodified, in a real daemon with real routers, the
/// real address verifier and rate limiter, and NSD serving the test zones (a stand-in for zen.spamhaus.org among them).
/// Clients connect from 127.0.0.1 (relay_from_hosts), .2 (listed), .3 (answered with the list's error code) and .4.
/// </summary>
public sealed class ShippedScriptTests(ShippedScriptTests.Fixture fixture) : IClassFixture<ShippedScriptTests.Fixture>
{
    private TestDaemon D => fixture.Daemon!;

    [Fact]
    public async Task Helo_StrangersForgingOurNameOrNotFullyQualified_AreRefused_OurClientsNever()
    {
        await using var stranger = await OpenAsync("127.0.0.4");
        Assert.Equal("550 5.7.1 you are not me", await stranger.CommandAsync("EHLO mx.test.example"));
        Assert.Equal("550 5.5.2 HELO name localhost is not a fully qualified domain name", await stranger.CommandAsync("HELO localhost"));
        Assert.Equal("550 5.7.1 HELO address literal [192.0.2.1] is not your address [127.0.0.4]", await stranger.CommandAsync("HELO [192.0.2.1]"));
        Assert.StartsWith("250 ", await stranger.CommandAsync("HELO [127.0.0.4]"), StringComparison.Ordinal);

        await using var ours = await OpenAsync("127.0.0.1");
        Assert.StartsWith("250 ", await ours.CommandAsync("HELO localhost"), StringComparison.Ordinal);
        await D.WaitForLogAsync("HELO mx.test.example from 127.0.0.4 claims to be this host");
    }

    [Fact]
    public async Task Rcpt_UnknownUsersAreRefused_ADnsFailureDefers_NeverRefuses_OurClientsAreTrusted()
    {
        await using var c = await OpenAsync("127.0.0.4", "client.example");
        Assert.Equal("250 OK", await c.CommandAsync("MAIL FROM:<sender@client.example>"));
        Assert.Equal("250 Accepted", await c.CommandAsync("RCPT TO:<alice@test.example>"));
        Assert.Equal("550 5.1.1 Unknown user", await c.CommandAsync("RCPT TO:<mallory@test.example>"));
        await c.CommandAsync("QUIT");
        // A stranger, to a domain we relay to (relay_to_domains) whose MX lookup answers SERVFAIL: not known yet.
        await using var relayed = await OpenAsync("127.0.0.4", "client.example");
        Assert.Equal("250 OK", await relayed.CommandAsync("MAIL FROM:<sender@client.example>"));
        Assert.Equal("451 4.4.3 cannot verify <x@x.broken.test> now; try again later", await relayed.CommandAsync("RCPT TO:<x@x.broken.test>"));
        await relayed.CommandAsync("QUIT");
        // Our own client is trusted with its recipients (Exim's default ACL accepts relay_from_hosts before verifying).
        await using var ours = await OpenAsync("127.0.0.1", "laptop.example");
        Assert.Equal("250 OK", await ours.CommandAsync("MAIL FROM:<alice@test.example>"));
        Assert.Equal("250 Accepted", await ours.CommandAsync("RCPT TO:<x@x.broken.test>"));
        Assert.Equal("250 Accepted", await ours.CommandAsync("RCPT TO:<typo@test.example>"));
        await ours.CommandAsync("QUIT");

        Assert.Contains("H=(client.example) [127.0.0.4] F=<sender@client.example> rejected RCPT <mallory@test.example>: Unknown user", D.RejectLog, StringComparison.Ordinal);
        Assert.Contains("H=(client.example) [127.0.0.4] F=<sender@client.example> temporarily rejected RCPT <x@x.broken.test>", D.RejectLog, StringComparison.Ordinal);
        Assert.DoesNotContain("RCPT <typo@test.example>", D.RejectLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rcpt_Blocklist_ListedRefused_ErrorCodeNotAListing_RelayHostsExempt()
    {
        await using (var listed = await OpenAsync("127.0.0.2", "listed.example"))
        {
            Assert.Equal("250 OK", await listed.CommandAsync("MAIL FROM:<a@listed.example>"));
            Assert.Equal("550 5.7.1 127.0.0.2 is listed at zen.spamhaus.org: https://check.spamhaus.org/listed/?searchterm=127.0.0.2",
                await listed.CommandAsync("RCPT TO:<alice@test.example>"));
        }
        await using (var refused = await OpenAsync("127.0.0.3", "refused.example"))
        {
            Assert.Equal("250 OK", await refused.CommandAsync("MAIL FROM:<a@refused.example>"));
            Assert.Equal("250 Accepted", await refused.CommandAsync("RCPT TO:<alice@test.example>"));
        }
        await using (var ours = await OpenAsync("127.0.0.1", "laptop.example"))
        {
            Assert.Equal("250 OK", await ours.CommandAsync("MAIL FROM:<alice@test.example>"));
            Assert.Equal("250 Accepted", await ours.CommandAsync("RCPT TO:<bob@test.example>"));
        }
        await D.WaitForLogAsync("zen.spamhaus.org answered 127.255.255.254 for 127.0.0.3: an error code, not a listing");
        Assert.DoesNotContain("is listed at zen.spamhaus.org: https://check.spamhaus.org/listed/?searchterm=127.0.0.1", D.MainLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_WithoutDateOrMessageId_IsRefused_OtherwiseAnXPolicyHeaderIsSpooled()
    {
        await using var c = await OpenAsync("127.0.0.4", "client.example");
        Assert.Equal("550 5.6.0 a message must have a Date: header (RFC 5322 section 3.6)",
            await c.SendMessageAsync("a@client.example", "alice@test.example", "Subject: no date\r\nMessage-ID: <1@client.example>\r\n\r\nbody"));
        Assert.Equal("550 5.6.0 a message must have a Message-ID: header (RFC 5322 section 3.6.4)",
            await c.SendMessageAsync("a@client.example", "alice@test.example", "Subject: no id\r\nDate: Mon, 30 Nov 2026 12:00:00 +0000\r\n\r\nbody"));
        var ok = await c.SendMessageAsync("a@client.example", "alice@test.example",
            "Subject: fine\r\nDate: Mon, 30 Nov 2026 12:00:00 +0000\r\nMessage-ID: <2@client.example>\r\n\r\nbody");
        Assert.StartsWith("250 OK id=", ok, StringComparison.Ordinal);
        await c.CommandAsync("QUIT");

        var id = ok["250 OK id=".Length..].Trim();
        var header = Wait.ReadShared(Path.Combine(D.InputDirectory, id + "-H"));
        Assert.Contains("X-Policy: checked by mx.test.example; external client; 1 recipient(s)\n", header, StringComparison.Ordinal);
        Assert.Contains("rejected after DATA: a message must have a Date: header", D.RejectLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimit_PerClientAddress_SurvivesADaemonRestart()
    {
        // rcpt.csx with its per-host limit lowered to 2 recipients an hour. As in Exim a smoothed rate counts a few seconds'
        // events as a little less than their number (1, then 1.999...) and a rate at or above the limit is over: so two
        // recipients pass, and a third, even after a restart, is over.
        await using var dns = await DnsServer.StartAsync(Fixture.Zones);
        var dir = new TempDirectory("exim-shipped-rate");
        var config = Fixture.Write(dir, dns.EndPoint.ToString(), rcpt => Fixture.Replace(rcpt, "const double RecipientsPerHourFromOneHost = 500;", "const double RecipientsPerHourFromOneHost = 2;"));

        await using var first = await TestDaemon.StartAsync(config, dir);
        await using (var c = await OpenAsync(first.Port, "127.0.0.5", "client.example"))
        {
            Assert.Equal("250 OK", await c.CommandAsync("MAIL FROM:<a@client.example>"));
            Assert.Equal("250 Accepted", await c.CommandAsync("RCPT TO:<alice@test.example>"));
            Assert.Equal("250 Accepted", await c.CommandAsync("RCPT TO:<bob@test.example>"));
            await c.CommandAsync("QUIT");
        }
        Assert.Equal(0, await first.StopAsync());
        File.Move(first.MainLogPath, first.MainLogPath + ".1"); // rotated, so the next start-up line is the new daemon's
        // The same spool, so the same hints store: the third recipient in the hour is one too many.
        await using var second = await TestDaemon.StartAsync(config, dir); // the same directory: disposed twice, harmlessly
        await using var again = await OpenAsync(second.Port, "127.0.0.5", "client.example");
        Assert.Equal("250 OK", await again.CommandAsync("MAIL FROM:<a@client.example>"));
        Assert.Equal("451 4.7.0 too many recipients from 127.0.0.5; try again later", await again.CommandAsync("RCPT TO:<alice@test.example>"));
        await second.WaitForLogAsync("ratelimit: 3.0 recipients per hour from 127.0.0.5, limit 2");
    }

    private Task<SmtpTestClient> OpenAsync(string from, string? helo = null) => OpenAsync(fixture.Daemon!.Port, from, helo);

    private static async Task<SmtpTestClient> OpenAsync(int port, string from, string? helo = null)
    {
        var c = await SmtpTestClient.ConnectAsync(port, from);
        Assert.StartsWith("220 ", await c.ReadReplyAsync(), StringComparison.Ordinal);
        if (helo is not null) Assert.StartsWith("250", await c.CommandAsync($"EHLO {helo}"), StringComparison.Ordinal);
        return c;
    }

    public sealed class Fixture : IAsyncLifetime
    {
        public static readonly (string Zone, string? File)[] Zones = [("zen.spamhaus.org", "zen.spamhaus.org.zone"), (".", "root.zone"), ("broken.test", null)];

        private DnsServer? _dns;

        public TestDaemon? Daemon { get; private set; }

        public async Task InitializeAsync()
        {
            _dns = await DnsServer.StartAsync(Zones);
            var dir = new TempDirectory("exim-shipped");
            Daemon = await TestDaemon.StartAsync(Write(dir, _dns.EndPoint.ToString(), rcpt => rcpt), dir);
        }

        public async Task DisposeAsync()
        {
            if (Daemon is not null) await Daemon.DisposeAsync();
            if (_dns is not null) await _dns.DisposeAsync();
        }

        /// <summary>Copies the shipped scripts (rcpt.csx through <paramref name="editRcpt"/>) and writes a config naming them.</summary>
        public static string Write(TempDirectory dir, string nameServer, Func<string, string> editRcpt)
        {
            foreach (var script in new[] { "helo.csx", "rcpt.csx", "data.csx" })
            {
                var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "scripts", script));
                dir.Write($"scripts/{script}", script == "rcpt.csx" ? editRcpt(text) : text);
            }
            return TestDaemon.SmtpConfig("""
                queue_only = true
                relay_to_domains = ["*.broken.test"]

                [[routers]]
                name = "dnslookup"
                driver = "dnslookup"
                domains = "! +local_domains"
                transport = "remote_smtp"
                more = false

                [[routers]]
                name = "localuser"
                driver = "accept"
                domains = "+local_domains"
                local_parts = ["alice", "bob"]
                cannot_route_message = "Unknown user"
                transport = "local_delivery"

                [[transports]]
                name = "remote_smtp"
                driver = "smtp"

                [[transports]]
                name = "local_delivery"
                driver = "maildir"
                directory = "maildir/$local_part"
                """) + TestDaemon.DnsResolverPlugin(nameServer) + """

                dns_retrans = "1s"
                dns_retry = 1

                [hooks]
                helo = "scripts/helo.csx"
                rcpt = "scripts/rcpt.csx"
                data = "scripts/data.csx"
                timeout = "10s"
                """;
        }

        /// <summary>Replaces one line of a shipped script, failing loudly when the script no longer has it.</summary>
        public static string Replace(string script, string line, string with)
        {
            Assert.Contains(line, script, StringComparison.Ordinal);
            return script.Replace(line, with, StringComparison.Ordinal);
        }
    }
}
