using System.Text.RegularExpressions;
using Exim.TestKit;

namespace Exim.Host.Tests.Daemon;

/// <summary>SMTP receive against a real <c>exim -bd</c> on 127.0.0.1 with real clients (swaks and raw sockets).</summary>
public sealed partial class SmtpReceiveTests
{
    [Fact]
    public async Task Swaks_MessageLandsInTheSpoolAndIsLogged()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());

        var (code, output) = await Swaks.RunAsync("--server", $"127.0.0.1:{d.Port}", "--from", "alice@example.org", "--to", "bob@test.example",
            "--helo", "client.example.org", "--header", "Message-Id: <m1@example.org>", "--body", "Hello Bob\n.leading dot");

        Assert.True(code == 0, output);
        var id = IdReply().Match(output).Groups[1].Value;
        Assert.Matches("^[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}$", id);
        var header = File.ReadAllText(Path.Combine(d.InputDirectory, id + "-H"));
        var data = File.ReadAllText(Path.Combine(d.InputDirectory, id + "-D"));
        Assert.StartsWith($"{id}-H\n", header, StringComparison.Ordinal);
        Assert.Contains("\n<alice@example.org>\n", header, StringComparison.Ordinal);
        Assert.Contains("\n1\nbob@test.example\n\n", header, StringComparison.Ordinal);
        Assert.Contains($"P Received: from [127.0.0.1] (helo=client.example.org)\n\tby mx.test.example with esmtp (Exim 4.96)\n\t(envelope-from <alice@example.org>)\n\tid {id}\n\tfor bob@test.example;", header, StringComparison.Ordinal);
        Assert.Contains("I Message-Id: <m1@example.org>\n", header, StringComparison.Ordinal);
        Assert.StartsWith($"{id}-D\nHello Bob\n.leading dot\n", data, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", data, StringComparison.Ordinal);
        await d.WaitForLogAsync($"{id} <= alice@example.org H=(client.example.org) [127.0.0.1] P=esmtp S=");
        Assert.Matches($@"{id} <= alice@example\.org H=\(client\.example\.org\) \[127\.0\.0\.1\] P=esmtp S=\d+ id=m1@example\.org", d.MainLog);
        Assert.Contains("SMTP connection from [127.0.0.1] (TCP/IP connection count = 1)", d.MainLog, StringComparison.Ordinal);
        await d.WaitForLogAsync("SMTP connection from (client.example.org) [127.0.0.1] closed by QUIT");
    }

    [Fact]
    public async Task Dialogue_UsesEximsRepliesAndCapabilities()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("message_size_limit = \"1M\""));
        var (c, greeting) = await SmtpTestClient.OpenAsync(d.Port);
        await using var client = c;

        Assert.Matches(@"^220 mx\.test\.example ESMTP Exim 4\.96 \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}$", greeting);
        Assert.Equal("250-mx.test.example Hello c.example [127.0.0.1]\n250-SIZE 1048576\n250-8BITMIME\n250-PIPELINING\n250 HELP",
            await client.CommandAsync("EHLO c.example"));
        Assert.Equal("250 OK", await client.CommandAsync("NOOP"));
        Assert.Equal("252 VRFY not available", await client.CommandAsync("VRFY bob"));
        Assert.StartsWith("214-Commands supported:\n214 ", await client.CommandAsync("HELP"), StringComparison.Ordinal);
        Assert.Equal("503 sender not yet given", await client.CommandAsync("RCPT TO:<bob@test.example>"));
        Assert.Equal("503 valid RCPT command must precede DATA", await client.CommandAsync("DATA"));
        Assert.Equal("250 OK", await client.CommandAsync("MAIL FROM:<> BODY=8BITMIME"));
        Assert.Equal("503 sender already given", await client.CommandAsync("MAIL FROM:<a@b.example>"));
        Assert.Equal("501 <bob>: recipient address must contain a domain", await client.CommandAsync("RCPT TO:<bob>"));
        Assert.Equal("250 Reset OK", await client.CommandAsync("RSET"));
        Assert.Equal("552 Message size exceeds maximum permitted", await client.CommandAsync("MAIL FROM:<a@b.example> SIZE=2000000"));
        Assert.Equal("221 mx.test.example closing connection", await client.CommandAsync("QUIT"));
    }

    [Fact]
    public async Task Pipelining_AfterEhlo_AllRepliesCome_AndMessageIsAccepted()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var client = c;
        await client.CommandAsync("EHLO c.example");

        await client.SendRawAsync("MAIL FROM:<a@b.example>\r\nRCPT TO:<x@test.example>\r\nRCPT TO:<y@test.example>\r\nDATA\r\n");

        Assert.Equal("250 OK", await client.ReadReplyAsync());
        Assert.Equal("250 Accepted", await client.ReadReplyAsync());
        Assert.Equal("250 Accepted", await client.ReadReplyAsync());
        Assert.StartsWith("354 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 OK id=", await client.CommandAsync("Subject: x\r\n\r\nbody\r\n."), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InputBeforeGreetingOrUnadvertisedPipelining_IsASynchronizationError()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var client = c;

        await client.SendRawAsync("HELO c.example\r\nMAIL FROM:<a@b.example>\r\n");

        Assert.Equal("554 SMTP synchronization error", await client.ReadReplyAsync());
        Assert.True(await client.IsClosedAsync(TestTimeouts.Default));
        await d.WaitForLogAsync("SMTP protocol synchronization error (next input sent too soon: pipelining was not advertised): rejected \"HELO c.example\" H=[127.0.0.1] next input=\"MAIL FROM:<a@b.example>\\r\\n\"");
    }

    [Fact]
    public async Task TooManySyntaxErrors_Drop_WithTheErrorsCodeAsEximDoes()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("smtp_max_synprot_errors = 2"));
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var client = c;

        Assert.Equal("500 unrecognized command", await client.CommandAsync("FOO"));
        Assert.Equal("500 unrecognized command", await client.CommandAsync("BAR"));
        // Exim's synprot_error: the reply as a continuation line, then the same code saying why the connection closes.
        Assert.Equal("500-unrecognized command\n500 Too many syntax or protocol errors", await client.CommandAsync("BAZ"));
        Assert.True(await client.IsClosedAsync(TestTimeouts.Default));
        // Exim 4.96's shape: the C= list of recognized commands follows (none here, so Exim prints nothing after the comma).
        await d.WaitForLogAsync("SMTP call from [127.0.0.1] dropped: too many syntax or protocol errors (last command was \"BAZ\", )");
    }

    [Fact]
    public async Task TooManyNonmailCommands_Drop_With554()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("smtp_accept_max_nonmail = 2"));
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var client = c;

        await client.CommandAsync("NOOP");
        await client.CommandAsync("NOOP");

        Assert.Equal("554 Too many nonmail commands", await client.CommandAsync("NOOP"));
        Assert.True(await client.IsClosedAsync(TestTimeouts.Default));
        await d.WaitForLogAsync("SMTP call from [127.0.0.1] dropped: too many nonmail commands (last was \"NOOP\")");
    }

    [Fact]
    public async Task MessageOverSizeLimit_Gets552AndIsNotSpooled()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("message_size_limit = 1000"));
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var client = c;
        await client.CommandAsync("EHLO c.example");

        var reply = await client.SendMessageAsync("a@b.example", "x@test.example", "Subject: big\n\n" + new string('x', 2000));

        Assert.Equal("552 Message size exceeds maximum permitted", reply);
        Assert.Equal("250 OK", await client.CommandAsync("MAIL FROM:<a@b.example>"));
        Assert.Empty(Directory.GetFiles(d.InputDirectory));
        // receive.c's shape: Exim stops counting one byte past the limit.
        await d.WaitForLogAsync("rejected from <a@b.example> H=(c.example) [127.0.0.1]: message too big: read=1001 max=1000");
        // The reject log has the line, then Exim's dump of the envelope and the headers received (indented by our log writer).
        await Wait.UntilOrFailAsync(() => d.RejectLog.Contains("message too big: read=1001 max=1000\n  Envelope-from: <a@b.example>\n  Envelope-to: <x@test.example>\n    Subject: big\n", StringComparison.Ordinal),
            TestTimeouts.Default, () => "reject log:\n" + d.RejectLog);
        Assert.DoesNotContain("Envelope-from", d.MainLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReceivedLine_SizeIsWhatEximComputesFromTheSpoolFiles()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var client = c;
        await client.CommandAsync("EHLO c.example");

        var reply = await client.SendMessageAsync("a@b.example", "x@test.example", "Subject: size\nX-Folded: one\n two\n\nbody\n..dot\n\nlast");

        var id = IdReply().Match(reply).Groups[1].Value;
        await d.WaitForLogAsync($"{id} <= a@b.example");
        // receive.c: S= is the headers as spool_write_header counts them (each NNN in -H, newline included), plus the
        // -D file after its id line, plus one for the blank line between header and body.
        var header = File.ReadAllText(Path.Combine(d.InputDirectory, id + "-H"));
        var headerBytes = HeaderLength().Matches(header[(header.IndexOf("\n\n", StringComparison.Ordinal) + 2)..]).Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        var dataBytes = new FileInfo(Path.Combine(d.InputDirectory, id + "-D")).Length - (id + "-D\n").Length;
        Assert.Contains($"{id} <= a@b.example H=(c.example) [127.0.0.1] P=esmtp S={headerBytes + dataBytes + 1}", d.MainLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverlongCommandLine_Gets500AndTheSessionCarriesOn()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var client = c;

        Assert.Equal("500 Command line too long", await client.CommandAsync("NOOP " + new string('x', 40_000)));
        Assert.Equal("250 OK", await client.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task SpoolThatCannotBeWritten_Gets451_AndTheSessionCarriesOn()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var client = c;
        await client.CommandAsync("EHLO c.example");
        Directory.Delete(d.InputDirectory, recursive: true);
        File.WriteAllText(d.InputDirectory, "not a directory"); // creating -D files now fails

        Assert.Equal("451 Temporary local problem - please try later", await client.SendMessageAsync("a@b.example", "x@test.example", "Subject: x\n\nbody"));
        Assert.Equal("250 OK", await client.CommandAsync("NOOP"));
        await d.WaitForLogAsync("spool write failed for message from (c.example) [127.0.0.1]; 451 sent");
    }

    [Fact]
    public async Task RecipientsMax_Gives452_LoggedOncePerMessage()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("recipients_max = 2"));
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var client = c;
        await client.CommandAsync("EHLO c.example");
        await client.CommandAsync("MAIL FROM:<a@b.example>");
        await client.CommandAsync("RCPT TO:<x1@test.example>");
        await client.CommandAsync("RCPT TO:<x2@test.example>");

        Assert.Equal("452 too many recipients", await client.CommandAsync("RCPT TO:<x3@test.example>"));
        Assert.Equal("452 too many recipients", await client.CommandAsync("RCPT TO:<x4@test.example>"));
        // A second message in the same connection: logged again, once (Exim's line is per message).
        Assert.Equal("250 Reset OK", await client.CommandAsync("RSET"));
        await client.CommandAsync("MAIL FROM:<c@b.example>");
        await client.CommandAsync("RCPT TO:<x1@test.example>");
        await client.CommandAsync("RCPT TO:<x2@test.example>");
        Assert.Equal("452 too many recipients", await client.CommandAsync("RCPT TO:<x3@test.example>"));
        Assert.Equal("452 too many recipients", await client.CommandAsync("RCPT TO:<x4@test.example>"));
        Assert.Equal("221 mx.test.example closing connection", await client.CommandAsync("QUIT"));

        await d.WaitForLogAsync("closed by QUIT");
        Assert.Equal(1, d.CountLog("too many recipients: excess temporarily rejected: sender=<a@b.example> H=(c.example) [127.0.0.1]"));
        Assert.Equal(1, d.CountLog("too many recipients: excess temporarily rejected: sender=<c@b.example> H=(c.example) [127.0.0.1]"));
    }

    [Fact]
    public async Task IdleClient_GetsTimeout421()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("smtp_receive_timeout = \"1s\""));
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var client = c;

        Assert.Equal("421 mx.test.example: SMTP command timeout - closing connection", await client.ReadReplyAsync(TimeSpan.FromSeconds(10)));
        await d.WaitForLogAsync("SMTP command timeout on connection from [127.0.0.1]");
    }

    [Fact]
    public async Task MaxMessagesPerConnection_Gives421OnTheNextMail()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("smtp_accept_max_per_connection = 1"));
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var client = c;
        await client.CommandAsync("EHLO c.example");
        Assert.StartsWith("250 OK id=", await client.SendMessageAsync("a@b.example", "x@test.example", "Subject: 1\n\nbody"), StringComparison.Ordinal);

        Assert.Equal("421 too many messages in this connection", await client.CommandAsync("MAIL FROM:<a@b.example>"));
        await d.WaitForLogAsync("rejected MAIL command H=(c.example) [127.0.0.1]: too many messages in one connection");
    }

    [Fact]
    public async Task Relay_FromNonRelayHost_IsRefused_LocalDomainsAccepted()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());

        var (c2, _) = await SmtpTestClient.OpenAsync(d.Port, fromAddress: "127.0.0.2");
        await using (var outsider = c2)
        {
            await outsider.CommandAsync("EHLO outsider.example");
            await outsider.CommandAsync("MAIL FROM:<spam@outsider.example>");
            Assert.Equal("550 relay not permitted", await outsider.CommandAsync("RCPT TO:<victim@elsewhere.example>"));
            Assert.Equal("550 restricted characters in address", await outsider.CommandAsync("RCPT TO:<victim%elsewhere.example@test.example>"));
            Assert.Equal("550 relay not permitted", await outsider.CommandAsync("RCPT TO:<@test.example:victim@elsewhere.example>"));
            Assert.Equal("250 Accepted", await outsider.CommandAsync("RCPT TO:<postmaster@test.example>"));
        }
        var (c1, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using (var insider = c1)
        {
            await insider.CommandAsync("EHLO insider.example");
            await insider.CommandAsync("MAIL FROM:<me@test.example>");
            Assert.Equal("250 Accepted", await insider.CommandAsync("RCPT TO:<friend@elsewhere.example>"));
        }
        await d.WaitForLogAsync("H=(outsider.example) [127.0.0.2] F=<spam@outsider.example> rejected RCPT <victim@elsewhere.example>: relay not permitted");
        await Wait.UntilOrFailAsync(() => d.RejectLog.Contains("rejected RCPT <victim@elsewhere.example>: relay not permitted", StringComparison.Ordinal),
            TestTimeouts.Default, () => "reject log:\n" + d.RejectLog);
    }

    [Fact]
    public async Task ListQueue_ShowsMessagesInEximsFormat()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using (var client = c)
        {
            await client.CommandAsync("EHLO c.example");
            var reply = await client.SendMessageAsync("alice@example.org", "bob@test.example", "Subject: q\n\nqueued");
            Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        }

        var (code, stdout, _) = await EximProcess.RunAsync(d.Directory.Path, "-C", d.ConfigPath, "-bp");

        Assert.Equal(0, code);
        Assert.Matches(@"^ 0m +\d+ [0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2} <alice@example\.org>\n {10}bob@test\.example\n\n$", stdout);
    }

    [GeneratedRegex(@"250 OK id=(\S+)")]
    private static partial Regex IdReply();

    [GeneratedRegex(@"(?m)^(\d{3})[^*] ")]
    private static partial Regex HeaderLength();
}
