using System.Text.RegularExpressions;
using Exim.TestKit;

namespace Exim.Host.Tests.Daemon;

/// <summary>MAIL and RCPT as RFC 5321 and Exim have them, against a real <c>exim -bd</c>.</summary>
public sealed partial class SmtpEnvelopeTests
{
    [Fact]
    public async Task UnqualifiedPostmaster_IsAcceptedAndQualified_EvenFromAHostThatMayNotRelay()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port, fromAddress: "127.0.0.2");
        await using var client = c;
        await client.CommandAsync("EHLO outsider.example");

        var reply = await client.SendMessageAsync("a@outsider.example", ["postmaster", "PostMaster"], "Subject: hi\n\nhello");

        Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        var header = File.ReadAllText(Path.Combine(d.InputDirectory, IdReply().Match(reply).Groups[1].Value + "-H"));
        Assert.Contains("\n2\npostmaster@mx.test.example\nPostMaster@mx.test.example\n", header, StringComparison.Ordinal);
        await client.CommandAsync("MAIL FROM:<a@outsider.example>");
        Assert.Equal("501 <bob>: recipient address must contain a domain", await client.CommandAsync("RCPT TO:<bob>"));
        await d.WaitForLogAsync("unqualified recipient rejected: <bob> H=(outsider.example) [127.0.0.2]");
    }

    [Fact]
    public async Task LocalDomainWithATrailingDot_IsThatDomain()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port, fromAddress: "127.0.0.2");
        await using var client = c;
        await client.CommandAsync("EHLO outsider.example");

        var reply = await client.SendMessageAsync("a@outsider.example.", "bob@test.example.", "Subject: hi\n\nhello");

        Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        var header = File.ReadAllText(Path.Combine(d.InputDirectory, IdReply().Match(reply).Groups[1].Value + "-H"));
        Assert.Contains("\n<a@outsider.example>\n", header, StringComparison.Ordinal);
        Assert.Contains("\n1\nbob@test.example\n", header, StringComparison.Ordinal);
        await client.CommandAsync("MAIL FROM:<a@outsider.example>");
        Assert.Equal("501 <bob@test.example..>: malformed address", await client.CommandAsync("RCPT TO:<bob@test.example..>"));
    }

    [Fact]
    public async Task UnknownOrMalformedParameters_AreRefusedAsEximRefusesThem()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("smtp_max_synprot_errors = 20"));
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var client = c;
        await client.CommandAsync("EHLO c.example");

        Assert.Equal("501 <a@b.example> FOO=bar: malformed address: FOO=bar may not follow <a@b.example>", await client.CommandAsync("MAIL FROM:<a@b.example> FOO=bar"));
        Assert.Equal("501 <a@b.example> SIZE=big: malformed address: SIZE=big may not follow <a@b.example>", await client.CommandAsync("MAIL FROM:<a@b.example> SIZE=big"));
        Assert.Equal("501 invalid data for BODY", await client.CommandAsync("MAIL FROM:<a@b.example> BODY=BINARYMIME"));
        Assert.Equal("250 OK", await client.CommandAsync("MAIL FROM:<a@b.example> SIZE=100 BODY=8BITMIME"));
        Assert.Equal("501 <a@test.example> <b@other.example>: malformed address: <b@other.example> may not follow <a@test.example>",
            await client.CommandAsync("RCPT TO:<a@test.example> <b@other.example>"));
        Assert.Equal("501 <a@test.example> NOTIFY=NEVER: malformed address: NOTIFY=NEVER may not follow <a@test.example>",
            await client.CommandAsync("RCPT TO:<a@test.example> NOTIFY=NEVER"));
        Assert.Equal("501 RCPT must have an address operand", await client.CommandAsync("RCPT"));
        Assert.Equal("503 valid RCPT command must precede DATA", await client.CommandAsync("DATA"));
        Assert.Equal("250 Accepted", await client.CommandAsync("RCPT TO:<a@test.example>"));
        await d.WaitForLogAsync("SMTP syntax error in \"RCPT TO:<a@test.example> <b@other.example>\" H=(c.example) [127.0.0.1] malformed address: <b@other.example> may not follow <a@test.example>");
    }

    [Fact]
    public async Task SizeOverTheLimitOnMail_IsLoggedInEximsShape()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("message_size_limit = 1000"));
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var client = c;
        await client.CommandAsync("EHLO c.example");

        Assert.Equal("552 Message size exceeds maximum permitted", await client.CommandAsync("MAIL FROM:<a@b.example> SIZE=5000"));

        await d.WaitForLogAsync("rejected MAIL FROM:<a@b.example> H=(c.example) [127.0.0.1]: message too big: size=5000 max=1000");
    }

    [GeneratedRegex(@"250 OK id=(\S+)")]
    private static partial Regex IdReply();
}
