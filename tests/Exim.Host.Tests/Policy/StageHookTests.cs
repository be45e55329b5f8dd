using System.Text.RegularExpressions;
using Exim.TestKit;

namespace Exim.Host.Tests.Policy;

/// <summary>
/// Every stage (helo, mail, rcpt, predata, data), every verdict and every modifier, end to end: a real daemon, a real
/// client, the replies the client sees, the main and reject log lines, the spooled -H files and what is delivered.
/// </summary>
public sealed class StageHookTests(StagePolicyDaemon fixture) : IClassFixture<StagePolicyDaemon>
{
    private TestDaemon D => fixture.Daemon;

    [Fact]
    public async Task Helo_Reject_Defer_Drop_AndDiscardWhereItMeansNothing()
    {
        await using (var c = await SmtpTestClient.ConnectAsync(fixture.Port))
        {
            await c.ReadReplyAsync();
            Assert.Equal("550 5.7.1 bad helo", await c.CommandAsync("EHLO reject.helo.example"));
            Assert.Equal("451 try your helo later", await c.CommandAsync("HELO defer.helo.example"));
            // Exim's drop where it is not allowed (discard at HELO) is an error, which defers.
            Assert.Equal("451 Temporary local problem - please try later", await c.CommandAsync("EHLO discard.helo.example"));
            Assert.StartsWith("250-mx.test.example Hello ok.helo.example", await c.CommandAsync("EHLO ok.helo.example"), StringComparison.Ordinal);
            Assert.Equal("550 Administrative prohibition", await c.CommandAsync("EHLO drop.helo.example"));
            Assert.True(await c.IsClosedAsync(TestTimeouts.Default));
        }

        await D.WaitForLogAsync("SMTP connection from (drop.helo.example) [127.0.0.1] closed by DROP in ACL");
        Assert.Contains("H=(reject.helo.example) [127.0.0.1] rejected EHLO reject.helo.example: bad helo", D.RejectLog, StringComparison.Ordinal);
        Assert.Contains("H=(defer.helo.example) [127.0.0.1] temporarily rejected HELO defer.helo.example: try your helo later", D.MainLog, StringComparison.Ordinal);
        Assert.Contains("H=(discard.helo.example) [127.0.0.1] temporarily rejected EHLO discard.helo.example", D.MainLog, StringComparison.Ordinal);
        await D.WaitForPanicLogAsync("\"discard\" verdict not allowed in HELO ACL (H=[127.0.0.1]): deferred");
        Assert.Contains("H=(drop.helo.example) [127.0.0.1] rejected EHLO drop.helo.example", D.RejectLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mail_Reject_Defer_KeepNoSender_AndDropWithItsOwnCode()
    {
        await using (var c = await fixture.OpenAsync())
        {
            Assert.Equal("550 no mail from you", await c.CommandAsync("MAIL FROM:<reject-mail@client.example> SIZE=10"));
            Assert.Equal("451 4.7.0 not from you now", await c.CommandAsync("MAIL FROM:<defer-mail@client.example>"));
            Assert.Equal("503 sender not yet given", await c.CommandAsync("RCPT TO:<bob@test.example>"));
            Assert.Equal("421 go away", await c.CommandAsync("MAIL FROM:<drop-mail@client.example>"));
            Assert.True(await c.IsClosedAsync(TestTimeouts.Default));
        }

        await D.WaitForLogAsync("H=(client.example) [127.0.0.1] temporarily rejected MAIL <drop-mail@client.example>: go away");
        Assert.Contains("H=(client.example) [127.0.0.1] rejected MAIL <reject-mail@client.example>: no mail from you", D.RejectLog, StringComparison.Ordinal);
        Assert.Contains("H=(client.example) [127.0.0.1] temporarily rejected MAIL <defer-mail@client.example>: not from you now", D.RejectLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rcpt_RefusedRecipients_AreNotSpooled_WhileTheOthersAre()
    {
        string reply;
        await using (var c = await fixture.OpenAsync())
        {
            Assert.Equal("250 OK", await c.CommandAsync("MAIL FROM:<alice@client.example>"));
            Assert.Equal("250 Accepted", await c.CommandAsync("RCPT TO:<rcpt-kept1@test.example>"));
            Assert.Equal("550 5.1.1 no such user", await c.CommandAsync("RCPT TO:<reject@test.example>"));
            Assert.Equal("451 4.7.1 greylisted", await c.CommandAsync("RCPT TO:<defer@test.example>"));
            Assert.Equal("250 Accepted", await c.CommandAsync("RCPT TO:<discard@test.example>"));
            Assert.Equal("250 Accepted", await c.CommandAsync("RCPT TO:<rcpt-kept2@test.example>"));
            Assert.Equal("354 Enter message, ending with \".\" on a line by itself", await c.CommandAsync("DATA"));
            reply = await c.CommandAsync("Subject: queue only\r\n\r\nbody\r\n.");
            await c.CommandAsync("QUIT");
        }

        Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        await D.WaitForLogAsync("=> rcpt-kept2 <rcpt-kept2@test.example>");
        Assert.Single(fixture.Delivered("rcpt-kept1"));
        Assert.Single(fixture.Delivered("rcpt-kept2"));
        Assert.Empty(fixture.Delivered("reject"));
        Assert.Empty(fixture.Delivered("defer"));
        Assert.Empty(fixture.Delivered("discard"));
        var reject = D.RejectLog;
        Assert.Contains("H=(client.example) [127.0.0.1] F=<alice@client.example> rejected RCPT <reject@test.example>: no such user", reject, StringComparison.Ordinal);
        Assert.Contains("H=(client.example) [127.0.0.1] F=<alice@client.example> temporarily rejected RCPT <defer@test.example>: greylisted", reject, StringComparison.Ordinal);
        Assert.Contains("H=(client.example) [127.0.0.1] F=<alice@client.example> RCPT <discard@test.example>: discarded by RCPT ACL: spamtrap", reject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rcpt_AllDiscarded_IsAcknowledged_AndBlackholed_NeverSpooledOrDelivered()
    {
        string reply;
        await using (var c = await fixture.OpenAsync())
        {
            reply = await c.SendMessageAsync("blackhole-sender@client.example", ["discard@test.example"], "Subject: into the hole\r\n\r\ngone");
            await c.CommandAsync("QUIT");
        }

        var id = Regex.Match(reply, @"^250 OK id=(\S+)$").Groups[1].Value;
        Assert.NotEmpty(id);
        await D.WaitForLogAsync($"{id} Completed");
        Assert.Contains($"{id} <= blackhole-sender@client.example H=(client.example) [127.0.0.1] P=esmtp S=", D.MainLog, StringComparison.Ordinal);
        Assert.Contains($"{id} => blackhole (RCPT ACL discarded recipients)", D.MainLog, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(D.InputDirectory, id + "-H")));
        Assert.False(File.Exists(Path.Combine(D.InputDirectory, id + "-D")));
        Assert.Empty(fixture.Delivered("discard"));
    }

    [Fact]
    public async Task Mail_Discard_DiscardsEveryRecipient()
    {
        string reply;
        await using (var c = await fixture.OpenAsync())
        {
            reply = await c.SendMessageAsync("discard-mail@client.example", ["mail-discarded@test.example"], "Subject: x\r\n\r\ngone");
            await c.CommandAsync("QUIT");
        }

        var id = Regex.Match(reply, @"^250 OK id=(\S+)$").Groups[1].Value;
        await D.WaitForLogAsync($"{id} => blackhole (MAIL ACL discarded recipients)");
        Assert.Contains("F=<discard-mail@client.example> RCPT <mail-discarded@test.example>: discarded by MAIL ACL", D.MainLog, StringComparison.Ordinal);
        Assert.Empty(fixture.Delivered("mail-discarded"));
    }

    [Fact]
    public async Task Rcpt_DropWith_RepliesThenCloses()
    {
        await using var c = await fixture.OpenAsync();
        Assert.Equal("250 OK", await c.CommandAsync("MAIL FROM:<dropper@client.example>"));
        Assert.Equal("550 bye", await c.CommandAsync("RCPT TO:<drop@test.example>"));
        Assert.True(await c.IsClosedAsync(TestTimeouts.Default));
        await D.WaitForLogAsync("F=<dropper@client.example> rejected RCPT <drop@test.example>: bye");
    }

    [Fact]
    public async Task Predata_Reject_Defer_KeepTheTransaction_DiscardDefers()
    {
        await using var c = await fixture.OpenAsync();
        Assert.Equal("250 OK", await c.CommandAsync("MAIL FROM:<reject-predata@client.example>"));
        Assert.Equal("250 Accepted", await c.CommandAsync("RCPT TO:<predata1@test.example>"));
        Assert.Equal("550 not now, 1 recipient(s)", await c.CommandAsync("DATA"));
        // The transaction is still there, as in Exim: a second RCPT is taken.
        Assert.Equal("250 Accepted", await c.CommandAsync("RCPT TO:<predata2@test.example>"));
        Assert.Equal("550 not now, 2 recipient(s)", await c.CommandAsync("DATA"));
        Assert.Equal("250 Reset OK", await c.CommandAsync("RSET"));
        Assert.Equal("250 OK", await c.CommandAsync("MAIL FROM:<defer-predata@client.example>"));
        Assert.Equal("250 Accepted", await c.CommandAsync("RCPT TO:<predata3@test.example>"));
        Assert.Equal("451 Temporary local problem - please try later", await c.CommandAsync("DATA"));
        Assert.Equal("250 Reset OK", await c.CommandAsync("RSET"));
        Assert.Equal("250 OK", await c.CommandAsync("MAIL FROM:<discard-predata@client.example>"));
        Assert.Equal("250 Accepted", await c.CommandAsync("RCPT TO:<predata4@test.example>"));
        Assert.Equal("451 Temporary local problem - please try later", await c.CommandAsync("DATA"));
        await c.CommandAsync("QUIT");

        await D.WaitForLogAsync("H=(client.example) [127.0.0.1] temporarily rejected DATA");
        Assert.Contains("H=(client.example) [127.0.0.1] rejected DATA: not now, 1 recipient(s)", D.RejectLog, StringComparison.Ordinal);
        await D.WaitForPanicLogAsync("\"discard\" verdict not allowed in PREDATA ACL");
    }

    [Theory]
    [InlineData("reject", "550 5.7.1 spam detected", "rejected after DATA: spam detected")]
    [InlineData("defer", "451 scanner unavailable", "temporarily rejected after DATA: scanner unavailable")]
    public async Task Data_RejectAndDefer_AreLoggedWithTheHeaderDump_AndNothingIsSpooled(string subject, string expected, string logged)
    {
        var sender = $"data-{subject}@client.example";
        string reply;
        await using (var c = await fixture.OpenAsync())
        {
            reply = await c.SendMessageAsync(sender, [$"data-{subject}-rcpt@test.example"], $"Subject: {subject}\r\nX-Trace: {subject} dump\r\n\r\nbody");
            Assert.Equal("250 Reset OK", await c.CommandAsync("RSET")); // the session carries on
            await c.CommandAsync("QUIT");
        }

        Assert.Equal(expected, reply);
        await D.WaitForLogAsync($"H=(client.example) [127.0.0.1] F=<{sender}> {logged}");
        var reject = D.RejectLog;
        // The reject log's dump, indented as continuation lines: the envelope, then each header with its type flag.
        Assert.Contains($"F=<{sender}> {logged}\n  Envelope-from: <{sender}>\n  Envelope-to: <data-{subject}-rcpt@test.example>\n", reject, StringComparison.Ordinal);
        Assert.Contains($"\n    X-Trace: {subject} dump", reject, StringComparison.Ordinal);
        Assert.Empty(fixture.SpooledFor($"data-{subject}-rcpt@test.example"));
        Assert.Empty(fixture.Delivered($"data-{subject}-rcpt"));
    }

    [Fact]
    public async Task Data_Discard_IsAcknowledged_NotDelivered_AndLoggedAsABlackhole()
    {
        string reply;
        await using (var c = await fixture.OpenAsync())
        {
            reply = await c.SendMessageAsync("discarder@client.example", ["data-discard@test.example"], "Subject: discard\r\n\r\nEICAR");
            await c.CommandAsync("QUIT");
        }

        var id = Regex.Match(reply, @"^250 OK id=(\S+)$").Groups[1].Value;
        Assert.NotEmpty(id);
        await D.WaitForLogAsync($"{id} => blackhole (DATA ACL discarded recipients): virus");
        await D.WaitForLogAsync($"{id} Completed");
        Assert.Empty(fixture.Delivered("data-discard"));
        Assert.False(File.Exists(Path.Combine(D.InputDirectory, id + "-H")));
        Assert.False(File.Exists(Path.Combine(D.InputDirectory, id + "-D")));
    }

    [Fact]
    public async Task Data_DropWith_Closes()
    {
        await using var c = await fixture.OpenAsync();
        Assert.Equal("550 bye after data", await c.SendMessageAsync("data-dropper@client.example", ["data-drop@test.example"], "Subject: drop\r\n\r\nx"));
        Assert.True(await c.IsClosedAsync(TestTimeouts.Default));
        await D.WaitForLogAsync("F=<data-dropper@client.example> rejected after DATA: bye after data");
    }

    [Fact]
    public async Task Data_AddedAndRemovedHeaders_AreInTheSpooledHFile()
    {
        string reply;
        await using (var c = await fixture.OpenAsync())
        {
            reply = await c.SendMessageAsync("header-mail@client.example", ["header@test.example"], "Subject: headers held\r\nX-Remove-Me: secret\r\n\r\nbody");
            await c.CommandAsync("QUIT");
        }

        var id = Regex.Match(reply, @"^250 OK id=(\S+)$").Groups[1].Value;
        await D.WaitForLogAsync($"{id} no immediate delivery: queued by ACL");
        var h = File.ReadAllText(Path.Combine(D.InputDirectory, id + "-H"), System.Text.Encoding.Latin1);
        // Headers added at MAIL, at RCPT and at DATA, in that order at the end; the removed one kept with Exim's '*' flag.
        Assert.Matches(@"\n\d{3}\* X-Remove-Me: secret\n", h);
        Assert.Matches(@"\n\d{3}  X-Mail-Stage: sender header-mail@client.example\n\d{3}  X-Rcpt-Stage: header@test.example after 0 others\n\d{3}  X-Test-Plugin: saw \d+ headers from 127.0.0.1\n\d{3}  X-Policy: checked\n$", h);
        // S= counts what will be delivered: the removed header out, the added ones in.
        var size = long.Parse(Regex.Match(D.MainLog, $@"{id} <= header-mail@client\.example .* S=(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var delivered = Regex.Matches(h, @"\n(\d{3})([^*]) ").Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(delivered + 1 + "body\n".Length, size);
    }

    [Fact]
    public async Task Data_AddedAndRemovedHeaders_AppearOnDelivery()
    {
        await using (var c = await fixture.OpenAsync())
        {
            Assert.StartsWith("250 OK id=", await c.SendMessageAsync("delivery@client.example", ["headers-delivered@test.example"], "Subject: headers\r\nX-Remove-Me: secret\r\n\r\nbody"), StringComparison.Ordinal);
            await c.CommandAsync("QUIT");
        }

        await D.WaitForLogAsync("=> headers-delivered <headers-delivered@test.example>");
        var message = Assert.Single(fixture.Delivered("headers-delivered"));
        Assert.Contains("\nX-Policy: checked\n", message, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Remove-Me", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_NamedQueueWithQueueOnly_SpoolsThere_AndWaits()
    {
        string reply;
        await using (var c = await fixture.OpenAsync())
        {
            reply = await c.SendMessageAsync("quarantined@client.example", ["quarantine-rcpt@test.example"], "Subject: quarantine\r\n\r\nbody");
            await c.CommandAsync("QUIT");
        }

        var id = Regex.Match(reply, @"^250 OK id=(\S+)$").Groups[1].Value;
        await D.WaitForLogAsync($"{id} no immediate delivery: queued in quarantine by ACL");
        Assert.Contains($"{id} <= quarantined@client.example H=(client.example) [127.0.0.1] P=esmtp S=", D.MainLog, StringComparison.Ordinal);
        Assert.Matches($@"{id} <= quarantined@client\.example .* Q=quarantine", D.MainLog);
        Assert.Single(fixture.SpooledFor("quarantine-rcpt@test.example", "quarantine"));
        Assert.True(File.Exists(D.Directory.Combine("spool", "quarantine", "input", id + "-D")));
        Assert.Empty(fixture.SpooledFor("quarantine-rcpt@test.example"));
        Assert.Empty(fixture.Delivered("quarantine-rcpt"));
    }

    [Fact]
    public async Task Data_Freeze_FreezesOnArrival_AndNothingIsDelivered()
    {
        string reply;
        await using (var c = await fixture.OpenAsync())
        {
            reply = await c.SendMessageAsync("freezer@client.example", ["frozen-rcpt@test.example"], "Subject: freeze\r\n\r\nbody");
            await c.CommandAsync("QUIT");
        }

        var id = Regex.Match(reply, @"^250 OK id=(\S+)$").Groups[1].Value;
        await D.WaitForLogAsync($"{id} frozen by ACL");
        Assert.Matches(@"\n-frozen \d+\n", Assert.Single(fixture.SpooledFor("frozen-rcpt@test.example")));
        Assert.Empty(fixture.Delivered("frozen-rcpt"));
        Assert.DoesNotContain($"{id} =>", D.MainLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_LogLine_AndTheBodyStream_ReadTheSpooledMessage()
    {
        string logged, read;
        await using (var c = await fixture.OpenAsync())
        {
            logged = await c.SendMessageAsync("logger@client.example", ["log-rcpt@test.example"], "Subject: log\r\n\r\none\r\ntwo");
            read = await c.SendMessageAsync("reader@client.example", ["body-rcpt@test.example"], "Subject: body\r\n\r\nxa\r\nb\r\n..x");
            await c.CommandAsync("QUIT");
        }

        var logId = Regex.Match(logged, @"^250 OK id=(\S+)$").Groups[1].Value;
        await D.WaitForLogAsync($"{logId} data policy saw size=");
        Assert.Matches($@"{logId} data policy saw size=\d+ lines=2 from logger@client\.example", D.MainLog);
        var bodyId = Regex.Match(read, @"^250 OK id=(\S+)$").Groups[1].Value;
        // The body as spooled: dots un-stuffed, LF line ends, read through the stream the data stage offers.
        Assert.Contains($"X-Body: 3 lines, 2 with x, id {bodyId}", Assert.Single(fixture.SpooledFor("body-rcpt@test.example")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PluginPolicy_DecidesFirst_InTheDeclaredOrder()
    {
        await using var c = await fixture.OpenAsync();
        Assert.Equal("250 OK", await c.CommandAsync("MAIL FROM:<ordered@client.example>"));
        Assert.Equal("550 5.7.1 refused by the test plugin at Rcpt", await c.CommandAsync("RCPT TO:<plugin-reject@test.example>"));
        // Both refuse this one: the plugin, first in [hooks] order, answers.
        Assert.Equal("550 5.7.1 refused by the test plugin at Rcpt", await c.CommandAsync("RCPT TO:<both-reject@test.example>"));
        await c.CommandAsync("QUIT");
    }

    [Fact]
    public async Task ThrowingOrRunawayScript_DefersItsStage_WithTheScriptLine()
    {
        await using (var c = await fixture.OpenAsync())
        {
            Assert.Equal("250 OK", await c.CommandAsync("MAIL FROM:<thrower@client.example>"));
            Assert.Equal("451 Temporary local problem - please try later", await c.CommandAsync("RCPT TO:<throw@test.example>"));
            var started = System.Diagnostics.Stopwatch.StartNew();
            Assert.Equal("451 Temporary local problem - please try later", await c.CommandAsync("RCPT TO:<spin@test.example>"));
            Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(400), TestTimeouts.Default);
            Assert.Equal("250 Accepted", await c.CommandAsync("RCPT TO:<after-failures@test.example>"));
            await c.CommandAsync("QUIT");
        }

        await D.WaitForLogAsync("rcpt hook scripts/policy.csx ran past its 500 ms budget for H=[127.0.0.1]: RCPT deferred");
        Assert.Matches(@"rcpt hook scripts/policy\.csx failed for H=\[127\.0\.0\.1\]: InvalidOperationException: rcpt boom for throw@test\.example at scripts/policy\.csx line \d+: RCPT deferred", D.MainLog);
        Assert.Contains("F=<thrower@client.example> temporarily rejected RCPT <throw@test.example>", D.RejectLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Helpers_VerifyRoutesThroughTheRouters_RateLimitCountsInTheHintsStore_HostListsMatch()
    {
        await using (var c = await fixture.OpenAsync())
        {
            Assert.Equal("250 OK", await c.CommandAsync("MAIL FROM:<helper@client.example>"));
            // The daemon's one router accepts its local domain; nothing routes elsewhere.example.
            Assert.Equal("250 Accepted", await c.CommandAsync("RCPT TO:<verify@test.example>"));
            Assert.Equal("550 unverified", await c.CommandAsync("RCPT TO:<verify@elsewhere.example>"));
            Assert.Equal("250 Accepted", await c.CommandAsync("RCPT TO:<ratelimit@test.example>"));
            Assert.Equal("250 Accepted", await c.CommandAsync("RCPT TO:<local@test.example>"));
            await c.CommandAsync("QUIT");
        }

        await D.WaitForLogAsync("local client 127.0.0.1 for local@test.example");
        Assert.Contains("F=<helper@client.example> rejected RCPT <verify@elsewhere.example>: unverified", D.RejectLog, StringComparison.Ordinal);
        // The rate went to the daemon's hints store, where another process can read it.
        var (code, rates, stderr) = await EximProcess.RunAsync(D.Directory.Path, "-C", D.ConfigPath, "--dumpdb", "ratelimit");
        Assert.True(code == 0, stderr);
        Assert.Contains(" key: 1h/per_mail/127.0.0.1", rates, StringComparison.Ordinal);
    }
}
