using System.Text.RegularExpressions;
using Exim.Host.Configuration;
using Exim.Host.Tests.Configuration;
using Exim.TestKit;

namespace Exim.Host.Tests.Transports;

/// <summary>
/// The <c>lmtp</c> transport plugin (plugins/lmtp, built against the public contract only) in a real daemon, delivering to
/// a real Dovecot LMTP (Debian's dovecot-lmtpd) over its Unix socket and over TCP: per-recipient replies after the data
/// (two recipients delivered into Dovecot's maildirs, an unknown one bounced with Dovecot's text), Exim's log lines, a
/// Dovecot that is down deferring everything until it is back; and the transport's configuration errors.
/// </summary>
public sealed class LmtpTransportTests
{
    private const string Domain = "test.example";
    private static readonly string[] Users = ["alice", "bob", "sender"];

    private static string Config(string transportOptions, string extra = "") => TestDaemon.SmtpConfig("log_selector = \"+smtp_confirmation\"\n" + extra) + $$"""


        [plugins.lmtp]
        assembly = "{{RepoPaths.Plugin("lmtp", "Exim.Plugins.Lmtp.dll")}}"

        [[transports]]
        name = "lmtp_delivery"
        driver = "lmtp"
        batch_max = 10
        {{transportOptions}}

        [[routers]]
        name = "local_user"
        driver = "accept"
        domains = ["{{Domain}}"]
        transport = "lmtp_delivery"
        """;

    [Fact]
    public Task UnixSocket_PerRecipientReplies_TwoDelivered_UnknownBouncedWithDovecotsText()
        => PerRecipientAsync(d => $"socket = \"{d.LmtpSocket}\"");

    [Fact]
    public Task Tcp_PerRecipientReplies_TwoDelivered_UnknownBouncedWithDovecotsText()
        => PerRecipientAsync(d => $"host = \"127.0.0.1\"\nport = {d.LmtpPort}");

    private static async Task PerRecipientAsync(Func<DovecotServer, string> options)
    {
        await using var dovecot = await DovecotServer.StartLmtpAsync(Domain, Users);
        await using var daemon = await TestDaemon.StartAsync(Config(options(dovecot)));
        var (client, _) = await SmtpTestClient.OpenAsync(daemon.Port);
        await using var _client = client;
        await client.CommandAsync("EHLO client.example");

        var reply = await client.SendMessageAsync($"sender@{Domain}", [$"alice@{Domain}", $"nobody@{Domain}", $"bob@{Domain}"],
            "Subject: lmtp\n\n..a line with a leading dot\nbody\n"); // stuffed on the wire by hand
        var id = Regex.Match(reply, @"id=(\S+)").Groups[1].Value;
        Assert.StartsWith("250", reply, StringComparison.Ordinal);
        await daemon.WaitForLogAsync($"{id} Completed");

        var log = daemon.MainLog;
        Assert.Matches($@"{id} => alice <alice@{Domain}> R=local_user T=lmtp_delivery C=""250 2\.0\.0 <alice@{Domain}> \S+ Saved""", log);
        Assert.Matches($@"{id} -> bob <bob@{Domain}> R=local_user T=lmtp_delivery C=""250 2\.0\.0 <bob@{Domain}> \S+ Saved""", log);
        Assert.Contains($"{id} ** nobody@{Domain} R=local_user T=lmtp_delivery: LMTP error after RCPT TO:<nobody@{Domain}>: 550 5.1.1 <nobody@{Domain}> User doesn't exist: nobody@{Domain}",
            log, StringComparison.Ordinal);
        foreach (var user in (string[])["alice", "bob"])
        {
            var message = Assert.Single(dovecot.Delivered(user));
            Assert.Contains("Subject: lmtp\n", message, StringComparison.Ordinal);
            Assert.Contains("\n\n.a line with a leading dot\nbody\n", message, StringComparison.Ordinal); // un-stuffed by Dovecot
        }
        // The bounce went to the sender, through the same transport.
        await Wait.UntilOrFailAsync(() => dovecot.Delivered("sender").Count == 1, TestTimeouts.Default, () => daemon.MainLog);
        Assert.Contains("User doesn't exist: nobody@test.example", dovecot.Delivered("sender")[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task DovecotDown_DefersEveryRecipient_ThenDeliveredOnceItIsBack()
    {
        var directory = new TempDirectory("exim-dovecot");
        var socket = DovecotServer.LmtpSocketIn(directory);
        DovecotServer? dovecot = null;
        try
        {
            await using var daemon = await TestDaemon.StartAsync(Config($"socket = \"{socket}\""));
            var (client, _) = await SmtpTestClient.OpenAsync(daemon.Port);
            await using var _client = client;
            await client.CommandAsync("EHLO client.example");
            var reply = await client.SendMessageAsync($"sender@{Domain}", [$"alice@{Domain}", $"bob@{Domain}"], "Subject: later\n\nbody\n");
            var id = Regex.Match(reply, @"id=(\S+)").Groups[1].Value;

            var deferral = $"R=local_user T=lmtp_delivery defer (0): Failed to connect to socket {socket} for lmtp_delivery transport: ";
            await daemon.WaitForLogAsync($"{id} == bob@{Domain} {deferral}");
            Assert.Contains($"{id} == alice@{Domain} {deferral}", daemon.MainLog, StringComparison.Ordinal);

            dovecot = await DovecotServer.StartLmtpAsync(Domain, Users, directory);
            var (code, stdout, stderr) = await EximProcess.RunAsync(daemon.Directory.Path, "-C", daemon.ConfigPath, "-qf");

            Assert.True(code == 0, stdout + stderr);
            Assert.Contains($"{id} => alice <alice@{Domain}> R=local_user T=lmtp_delivery", daemon.MainLog, StringComparison.Ordinal);
            Assert.Contains($"{id} Completed", daemon.MainLog, StringComparison.Ordinal);
            Assert.Single(dovecot.Delivered("alice"));
            Assert.Single(dovecot.Delivered("bob"));
        }
        finally
        {
            if (dovecot is not null) await dovecot.DisposeAsync();
            else directory.Dispose();
        }
    }

    [Theory]
    [InlineData("", "4:1: invalid value for \"socket\" in transports \"lmtp_delivery\": one (and only one) of socket or host must be set for the lmtp_delivery transport")]
    [InlineData("socket = \"/run/dovecot/lmtp\"\nhost = \"127.0.0.1\"", "7:1: invalid value for \"host\" in transports \"lmtp_delivery\": one (and only one) of socket or host must be set for the lmtp_delivery transport, and socket is set too")]
    [InlineData("socket = \"/run/dovecot/lmtp\"\nport = 24", "7:1: invalid value for \"port\" in transports \"lmtp_delivery\": is only used with host (LMTP over TCP)")]
    [InlineData("host = \"127.0.0.1\"\nport = 70000", "7:1: invalid value for \"port\" in transports \"lmtp_delivery\": 70000 is not a port number (1 to 65535)")]
    [InlineData("socket = \"/run/dovecot/lmtp\"\nsockets = 1", "7:1: unknown option \"sockets\" in transports \"lmtp_delivery\" (driver lmtp)")]
    public async Task ConfigErrors_HaveTheirPositions(string options, string expected)
    {
        using var dir = new TempDirectory("exim-lmtp");
        var config = dir.Write("exim.toml", $$"""
            spool_directory = "spool"

            [[transports]]
            name = "lmtp_delivery"
            driver = "lmtp"
            [plugins.lmtp]
            assembly = "{{RepoPaths.Plugin("lmtp", "Exim.Plugins.Lmtp.dll")}}"
            """.Replace("driver = \"lmtp\"\n", "driver = \"lmtp\"\n" + (options.Length > 0 ? options + "\n" : ""), StringComparison.Ordinal));

        var (code, _, stderr) = await EximProcess.RunAsync(dir.Path, "-C", config, "-bV");

        Assert.NotEqual(0, code);
        Assert.Contains($"{config}:{expected}", stderr, StringComparison.Ordinal);
    }
}
