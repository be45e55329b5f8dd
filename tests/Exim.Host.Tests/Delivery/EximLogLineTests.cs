using System.Globalization;
using System.Text.RegularExpressions;
using Exim.TestKit;

namespace Exim.Host.Tests.Delivery;

/// <summary>
/// The main log lines Exim's tools read, written by a real daemon and real queue runs doing a known mix: one SMTP delivery
/// to three recipients (<c>=&gt;</c> then <c>-&gt;</c>), a local delivery, a 4xx deferral, a refused connection, both kinds of
/// "retry time not reached", a 5xx failure with its bounce, and a relay rejection; then Debian 12's eximstats over that log
/// counts exactly what happened.
/// </summary>
public sealed class EximLogLineTests : IAsyncLifetime
{
    private readonly ScriptedSmtpServer _sink = new(ScriptedSmtpServer.Answers());
    private readonly ScriptedSmtpServer _tempFail = new(ScriptedSmtpServer.Answers(rcpt: "451 4.7.1 try again later"));
    private readonly ScriptedSmtpServer _reject = new(ScriptedSmtpServer.Answers(rcpt: "550 5.1.1 no such user here"));
    private TestDaemon _d = null!;

    public async Task InitializeAsync()
    {
        // The daemon listens on 127.0.0.2, so the peers on 127.0.0.1 are not "this host"; nothing listens on 127.0.0.3.
        _d = await TestDaemon.StartAsync($$"""
            spool_directory = "spool"
            primary_hostname = "mx.test.example"
            local_interfaces = ["127.0.0.2"]
            daemon_smtp_ports = [0]
            local_domains = ["test.example"]
            relay_from_hosts = ["127.0.0.1"]
            queue_only = true

            [[routers]]
            name = "local"
            driver = "accept"
            domains = "+local_domains"
            transport = "local_delivery"

            {{Route("sink", "sink.example 127.0.0.1")}}
            {{Route("tempfail", "tempfail.example 127.0.0.1")}}
            {{Route("reject", "reject.example 127.0.0.1")}}
            {{Route("refused", "refused.example 127.0.0.3")}}

            [[transports]]
            name = "local_delivery"
            driver = "maildir"
            directory = "maildir/$local_part"

            {{Smtp("sink", _sink.Port)}}
            {{Smtp("tempfail", _tempFail.Port)}}
            {{Smtp("reject", _reject.Port)}}
            {{Smtp("refused", _sink.Port)}}

            [plugins.daemon]
            assembly = "{{RepoPaths.Plugin("daemon", "Exim.Plugins.Daemon.dll")}}"
            """);
    }

    /// <summary>A manualroute router for one domain, to the smtp transport <c>to_&lt;name&gt;</c>.</summary>
    private static string Route(string name, string routeList) => $"""
        [[routers]]
        name = "{name}"
        driver = "manualroute"
        route_list = ["{routeList}"]
        transport = "to_{name}"

        """;

    private static string Smtp(string name, int port) => $"""
        [[transports]]
        name = "to_{name}"
        driver = "smtp"
        port = "{port}"

        """;

    [Fact]
    public async Task KnownMix_LogsEximsLines_AndEximstatsCountsThem()
    {
        var multi = await SendAsync("s1@sink.example", "s2@sink.example", "s3@sink.example", "bob@test.example");
        var temp = await SendAsync("t1@tempfail.example");
        var bounced = await SendAsync("r1@reject.example");
        var refused = await SendAsync("c1@refused.example");
        await using (var outsider = await SmtpTestClient.ConnectAsync(_d.PortsOn("127.0.0.2")[0], fromAddress: "127.0.0.3", host: "127.0.0.2"))
        {
            await outsider.ReadReplyAsync();
            await outsider.CommandAsync("EHLO outsider.example");
            await outsider.CommandAsync("MAIL FROM:<spam@outsider.example>");
            Assert.StartsWith("550", await outsider.CommandAsync("RCPT TO:<victim@elsewhere.example>"));
            await outsider.CommandAsync("QUIT");
        }

        await RunAsync("-q");
        await RunAsync("-q"); // the retry times have not come: nothing is tried again

        var log = _d.MainLog;
        string[] expected =
        [
            $"{multi} => s1@sink.example R=sink T=to_sink H=127.0.0.1 [127.0.0.1] C=\"250 OK id=fake\"",
            $"{multi} -> s2@sink.example R=sink T=to_sink H=127.0.0.1 [127.0.0.1] C=\"250 OK id=fake\"",
            $"{multi} -> s3@sink.example R=sink T=to_sink H=127.0.0.1 [127.0.0.1] C=\"250 OK id=fake\"",
            $"{multi} => bob <bob@test.example> R=local T=local_delivery",
            $"{temp} == t1@tempfail.example R=tempfail T=to_tempfail defer (-44) H=127.0.0.1 [127.0.0.1]: SMTP error from remote mail server after RCPT TO:<t1@tempfail.example>: 451 4.7.1 try again later",
            $"{temp} == t1@tempfail.example routing defer (-52): retry time not reached",
            $"{bounced} ** r1@reject.example R=reject T=to_reject H=127.0.0.1 [127.0.0.1]: SMTP error from remote mail server after RCPT TO:<r1@reject.example>: 550 5.1.1 no such user here",
            $"{refused} H=127.0.0.3 [127.0.0.3] Connection refused",
            $"{refused} == c1@refused.example R=refused T=to_refused defer (111): Connection refused",
            $"{refused} == c1@refused.example R=refused T=to_refused defer (-54): retry time not reached for any host for 'refused.example'",
            "=> alice <alice@test.example> R=local T=local_delivery", // the bounce
        ];
        var lines = log.Split('\n');
        foreach (var line in expected) Assert.Contains(lines, l => l.EndsWith(line, StringComparison.Ordinal));
        // Only the mail rejection says "rejected"; delivery, queue and spool lines never do.
        Assert.Equal(
            ["H=(outsider.example) [127.0.0.3] F=<spam@outsider.example> rejected RCPT <victim@elsewhere.example>: relay not permitted"],
            lines.Where(l => l.Contains("rejected", StringComparison.Ordinal)).Select(l => l[20..]));

        var report = await Eximstats.RunAsync(_d.MainLogPath);
        // Received: the four messages and the bounce. Delivered: three deliveries (one to three SMTP recipients, two local)
        // of five addresses. Delayed: two messages; failed: one. Rejects: the relay refusal, and the "Connection refused"
        // host line, which eximstats counts as a rejection in Exim's own logs too.
        Assert.Equal(("5", ""), Row(report, "Received"));
        Assert.Equal(("3", "5"), Row(report, "Delivered"));
        Assert.Matches(@"\n  Received +\S+ +5 +\S+ +2 +\S+% +1 +\S+%\n", report);
        Assert.Matches(@"\n  Rejects +2 +\d+\n", report);

        // Bytes, and the per-host, per-sender, per-transport and rejection tops, against the truth of this run: the S= of
        // each <= line (the four messages from client.test and the bounce, sent locally by root), the deliveries made.
        var sizes = lines.Where(l => l.Contains(" <= ", StringComparison.Ordinal))
            .Select(l => (Local: l.Contains(" U=", StringComparison.Ordinal), Size: long.Parse(Regex.Match(l, @" S=(\d+)").Groups[1].Value, CultureInfo.InvariantCulture)))
            .ToList();
        var fromClient = sizes.Where(s => !s.Local).Sum(s => s.Size);
        var bounce = Assert.Single(sizes, s => s.Local).Size;
        Assert.Equal(4, sizes.Count(s => !s.Local));
        Assert.Matches($@"\n  Received +{fromClient + bounce} +5 ", report);
        Assert.Matches($@"Top 50 sending hosts by message count\n-+\n.*\n +4 +{fromClient} +\d+ +\(client\.test\)\n +1 +{bounce} +{bounce} +local\n", report);
        var user = Regex.Match(log, @" <= <> .* U=(\S+)").Groups[1].Value;
        Assert.Matches($@"Top 50 local senders by message count\n-+\n.*\n +1 +{bounce} +{bounce} +{Regex.Escape(user)}\n", report);
        Assert.Matches(@"Deliveries by transport\n-+\n.*\n  local_delivery +\d+ +2\n  to_sink +\d+ +1\n", report);
        Assert.Matches(@"\n +1 +Rejected RCPT: relay not permitted\n", report);
        Assert.Matches(@"Top 50 rejected ips by message count\n-+\n.*\n +2 +\[127\.0\.0\.3\]\n", report);
        Assert.Matches(@"\nErrors encountered: 1\n", report);
    }

    /// <summary>Messages and addresses in one row of eximstats' grand total summary.</summary>
    private static (string Messages, string Addresses) Row(string report, string name)
    {
        var header = Regex.Match(report, @"\n  TOTAL +Volume +Messages +Addresses");
        Assert.True(header.Success, report);
        var row = Regex.Match(report, $@"\n  {name} +(\S+) +(\d+)(?: +(\d+))?");
        Assert.True(row.Success, report);
        return (row.Groups[2].Value, name == "Delivered" ? row.Groups[3].Value : "");
    }

    private async Task<string> SendAsync(params string[] recipients)
    {
        await using var client = await SmtpTestClient.ConnectAsync(_d.PortsOn("127.0.0.2")[0], fromAddress: "127.0.0.1", host: "127.0.0.2");
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.test");
        var reply = await client.SendMessageAsync("alice@test.example", recipients, "Subject: mix\n\nbody");
        Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        await client.CommandAsync("QUIT");
        return reply["250 OK id=".Length..];
    }

    private async Task RunAsync(params string[] args)
    {
        var (code, stdout, stderr) = await EximProcess.RunAsync(_d.Directory.Path, ["-C", _d.ConfigPath, .. args]);
        Assert.True(code == 0, stdout + stderr);
    }

    public async Task DisposeAsync()
    {
        await _d.DisposeAsync();
        await _sink.DisposeAsync();
        await _tempFail.DisposeAsync();
        await _reject.DisposeAsync();
    }
}
