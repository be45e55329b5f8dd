using System.Text;
using Exim.TestKit;

namespace Exim.Host.Tests.Daemon;

/// <summary>
/// Log forging against a real <c>exim -bd</c>: control bytes a client sends in HELO, addresses and unknown commands
/// reach the main log escaped as Exim's string_printing escapes them, one line per event; replies never echo them; and
/// 8-bit text reaches the log and the replies as the very bytes the client sent.
/// </summary>
public sealed class SmtpLogTextTests
{
    private static byte[] Bytes(string latin1) => Encoding.Latin1.GetBytes(latin1);

    [Fact]
    public async Task ControlBytesFromTheClient_AreEscapedInTheLogAndInReplies()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("smtp_max_synprot_errors = 20"));
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using (var client = c)
        {
            Assert.Equal("501 Syntactically invalid EHLO argument(s)", await client.CommandAsync("EHLO bad\rname\u001b[2J"));
            Assert.Equal("501 NUL characters are not allowed in SMTP commands", await client.CommandAsync("HELO a\0b.example"));
            Assert.Equal("501 Syntactically invalid HELO argument(s)", await client.CommandAsync("HELO [192.0.2.1\u0007]"));
            Assert.Equal("500 unrecognized command", await client.CommandAsync("XYZZY\r2026-11-30 12:00:00 1abcde-000000-00 <= forged@example.org\u001b"));
            await client.CommandAsync("EHLO c.example");
            var mail = await client.CommandAsync("MAIL FROM:<\"a\u0001\rb\"@example.org>");
            Assert.Equal("501 <\"a\\001\\rb\"@example.org>: malformed address", mail);
            Assert.Equal("250 OK", await client.CommandAsync("MAIL FROM:<a@b.example>"));
            Assert.Equal("501 <\"x\\ty\"@test.example>: malformed address", await client.CommandAsync("RCPT TO:<\"x\ty\"@test.example>"));
            await client.CommandAsync("QUIT");
        }
        await d.WaitForLogAsync("SMTP connection from (c.example) [127.0.0.1] closed by QUIT");

        var log = File.ReadAllBytes(d.MainLogPath);
        var text = Encoding.UTF8.GetString(log);
        Assert.DoesNotContain(log, b => b < 0x20 && b is not (byte)'\n' and not (byte)'\t'); // Exim keeps TAB in the log
        Assert.DoesNotContain(log, b => b == 0x7F);
        Assert.Equal(1, d.CountLog("rejected EHLO from [127.0.0.1]: syntactically invalid argument(s): bad\\rname\\033[2J"));
        Assert.Equal(1, d.CountLog("SMTP syntax error in \"HELO a?b.example\" H=[127.0.0.1] NUL character(s) present (shown as '?')"));
        Assert.Equal(1, d.CountLog("rejected HELO from [127.0.0.1]: syntactically invalid argument(s): [192.0.2.1\\007]"));
        Assert.Equal(1, d.CountLog("SMTP syntax error in \"XYZZY\\r2026-11-30 12:00:00 1abcde-000000-00 <= forged@example.org\\033\" H=[127.0.0.1] unrecognized command"));
        Assert.Equal(1, d.CountLog("SMTP syntax error in \"MAIL FROM:<\"a\\001\\rb\"@example.org>\" H=(c.example) [127.0.0.1] malformed address"));
        Assert.Equal(1, d.CountLog("SMTP syntax error in \"RCPT TO:<\"x\ty\"@test.example>\" H=(c.example) [127.0.0.1] malformed address"));
        Assert.DoesNotContain("\n2026-11-30 12:00:00 1abcde", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EightBitText_ReachesTheLogAndRepliesAsTheBytesSent()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());
        var utf8 = Encoding.Latin1.GetString(Encoding.UTF8.GetBytes("jérôme")); // the UTF-8 bytes, one char per byte
        var latin1 = "j\u00e9r\u00f4me"; // Latin-1 bytes: not UTF-8
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using (var client = c)
        {
            await client.CommandAsync("EHLO c.example");
            // Replies echo the address byte for byte (SmtpTestClient reads one char per byte).
            Assert.Equal($"501 <{utf8}>: sender address must contain a domain", await client.CommandAsync($"MAIL FROM:<{utf8}>"));
            Assert.Equal($"501 <{latin1}>: sender address must contain a domain", await client.CommandAsync($"MAIL FROM:<{latin1}>"));
            Assert.StartsWith("250 OK id=", await client.SendMessageAsync($"{utf8}@example.org", "bob@test.example", "Subject: x\n\nhi"), StringComparison.Ordinal);
        }
        await d.WaitForLogAsync("<= jérôme@example.org H=(c.example) [127.0.0.1]");

        var log = File.ReadAllBytes(d.MainLogPath);
        Assert.True(log.AsSpan().IndexOf("<= jérôme@example.org"u8) >= 0);
        Assert.True(log.AsSpan().IndexOf(Encoding.UTF8.GetBytes("jÃ©rÃ´me")) < 0, "8-bit text was encoded twice");
        Assert.Equal(1, d.CountLog("unqualified sender rejected: <jérôme> H=(c.example) [127.0.0.1]"));
    }
}
