using System.Text;
using System.Text.RegularExpressions;
using Exim.TestKit;

namespace Exim.Host.Tests.Daemon;

/// <summary>
/// SMTP smuggling (CVE-2023-51766 and its Postfix and Sendmail twins) against a real <c>exim -bd</c>: only
/// CR LF . CR LF ends DATA, so a forged end sequence followed by a second transaction stays part of the first
/// message, in one packet or split where the attack splits it.
/// </summary>
public sealed partial class SmtpSmugglingTests
{
    private const string Forged = "MAIL FROM:<forged@example.org>\r\nRCPT TO:<victim@test.example>\r\nDATA\r\n";
    private const string ForgedMessage = "From: ceo@example.org\r\nSubject: forged\r\n\r\nsend money\r\n";

    private static readonly string[] FakeEnds = ["\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r", "\r\n.\r", "\r.\r\n", "\n.\r"];

    [Fact]
    public async Task FakeEndsOfData_AreData_InOnePacketSplitAfterThemOrByteByByte()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());
        foreach (var fakeEnd in FakeEnds)
        {
            foreach (var sending in Enum.GetValues<Sending>())
            {
                var id = await SmuggleAsync(d.Port, "Subject: legit\r\n\r\nhello" + fakeEnd + Forged, ForgedMessage + ".\r\n", sending);
                var data = File.ReadAllText(Path.Combine(d.InputDirectory, id + "-D"), Encoding.Latin1);
                var variant = $"fake end {fakeEnd.Replace("\r", "CR ", StringComparison.Ordinal).Replace("\n", "LF ", StringComparison.Ordinal)}{sending}";
                Assert.True(data.Contains("MAIL FROM:<forged@example.org>\n", StringComparison.Ordinal) && data.Contains("Subject: forged\n", StringComparison.Ordinal),
                    $"{variant}: the forged transaction is not in the first message's data:\n{data}");
                Assert.False(data.Contains('\r', StringComparison.Ordinal), $"{variant}: a CR was spooled");
            }
        }
        Assert.Equal(FakeEnds.Length * Enum.GetValues<Sending>().Length, Directory.GetFiles(d.InputDirectory, "*-H").Length);
        Assert.DoesNotContain("<= forged@example.org", d.MainLog, StringComparison.Ordinal);
    }

    /// <summary>One legitimate transaction whose data carries <paramref name="first"/> then <paramref name="second"/>; the id of the one message accepted.</summary>
    private enum Sending { InOnePacket, SplitAfterTheFakeEnd, ByteByByte }

    private static async Task<string> SmuggleAsync(int port, string first, string second, Sending sending)
    {
        var (c, _) = await SmtpTestClient.OpenAsync(port);
        await using var client = c;
        await client.CommandAsync("EHLO legit.example");
        Assert.Equal("250 OK", await client.CommandAsync("MAIL FROM:<legit@example.org>"));
        Assert.Equal("250 Accepted", await client.CommandAsync("RCPT TO:<bob@test.example>"));
        Assert.StartsWith("354 ", await client.CommandAsync("DATA"), StringComparison.Ordinal);
        switch (sending)
        {
            case Sending.SplitAfterTheFakeEnd:
                await client.SendRawAsync(first);
                // Before the fix the daemon answered here: 250 for the first message, then the forged MAIL, RCPT and DATA.
                Assert.Null(await ReplyWithinAsync(client, TimeSpan.FromMilliseconds(300)));
                await client.SendRawAsync(second);
                break;
            case Sending.ByteByByte:
                foreach (var b in first + second) await client.SendRawAsync(b.ToString());
                break;
            default:
                await client.SendRawAsync(first + second);
                break;
        }
        var reply = await client.ReadReplyAsync();
        Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        Assert.Equal("221 mx.test.example closing connection", await client.CommandAsync("QUIT"));
        return IdReply().Match(reply).Groups[1].Value;
    }

    [Fact]
    public async Task CommandsPipelinedAfterTheRealEnd_AreCommands()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var client = c;
        await client.CommandAsync("EHLO c.example");
        await client.CommandAsync("MAIL FROM:<a@b.example>");
        await client.CommandAsync("RCPT TO:<x@test.example>");
        await client.CommandAsync("DATA");

        await client.SendRawAsync("Subject: one\r\n\r\nbody\r\n.\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<y@test.example>\r\nDATA\r\n");

        Assert.StartsWith("250 OK id=", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Equal("250 OK", await client.ReadReplyAsync());
        Assert.Equal("250 Accepted", await client.ReadReplyAsync());
        Assert.StartsWith("354 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 OK id=", await client.CommandAsync("Subject: two\r\n\r\nbody\r\n."), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForbidBareNewline_RefusesBareLineEnds_ExceptFromExcludedHosts()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("""
            smtp_forbid_bare_newline = true
            smtp_forbid_bare_newline_exclusions = ["127.0.0.2"]
            """, relayFromHosts: "[\"127.0.0.1\", \"127.0.0.2\"]"));

        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using (var strict = c)
        {
            await strict.SendRawAsync("NOOP\n");
            Assert.Equal("500 bare <LF> received", await strict.ReadReplyAsync());
            await strict.CommandAsync("EHLO c.example");
            Assert.StartsWith("250 OK id=", await strict.SendMessageAsync("a@b.example", "x@test.example", "Subject: clean\n\nline one"), StringComparison.Ordinal);
            Assert.Equal("250 OK", await strict.CommandAsync("MAIL FROM:<a@b.example>"));
            await strict.CommandAsync("RCPT TO:<x@test.example>");
            await strict.CommandAsync("DATA");
            Assert.Equal("550 bare <LF> received", await strict.CommandAsync("Subject: bare\r\n\r\nline\none\r\n."));
            Assert.Equal("550 bare <CR> received", await strict.SendMessageAsync("a@b.example", "x@test.example", "Subject: cr\n\nline\rone"));
        }
        var (c2, _) = await SmtpTestClient.OpenAsync(d.Port, fromAddress: "127.0.0.2");
        await using (var excluded = c2)
        {
            await excluded.SendRawAsync("NOOP\n");
            Assert.Equal("250 OK", await excluded.ReadReplyAsync());
            await excluded.CommandAsync("EHLO c.example");
            await excluded.CommandAsync("MAIL FROM:<a@b.example>");
            await excluded.CommandAsync("RCPT TO:<x@test.example>");
            await excluded.CommandAsync("DATA");
            Assert.StartsWith("250 OK id=", await excluded.CommandAsync("Subject: bare\r\n\r\nline\none\r\n."), StringComparison.Ordinal);
        }

        await d.WaitForLogAsync("H=(c.example) [127.0.0.1] F=<a@b.example> rejected after DATA: bare <LF> received");
        await d.WaitForLogAsync("SMTP syntax error in \"NOOP\" H=[127.0.0.1] bare <LF> received");
        await Wait.UntilOrFailAsync(() => d.RejectLog.Contains("rejected after DATA: bare <CR> received", StringComparison.Ordinal),
            TestTimeouts.Default, () => "reject log:\n" + d.RejectLog);
        // The reject log, and only it, carries Exim's header dump after the line.
        Assert.Contains("rejected after DATA: bare <LF> received\n  Envelope-from: <a@b.example>\n  Envelope-to: <x@test.example>\n    Subject: bare\n", d.RejectLog, StringComparison.Ordinal);
        Assert.DoesNotContain("Envelope-from", d.MainLog, StringComparison.Ordinal);
    }

    private static async Task<string?> ReplyWithinAsync(SmtpTestClient client, TimeSpan wait)
    {
        try
        {
            return await client.ReadReplyAsync(wait);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"250 OK id=(\S+)")]
    private static partial Regex IdReply();
}
