using System.Text;
using Exim.TestKit;

namespace Exim.Host.Tests.Delivery;

/// <summary>
/// Delivery end to end with real processes: messages received by daemon A, delivered by <c>exim -M</c> and
/// <c>exim -q</c> on A's configuration to daemon B (by MX from NSD), to SMTP peers that refuse, defer, reject or stall,
/// and into Maildirs.
/// </summary>
public sealed class DeliveryTests(DeliveryFixture f) : IClassFixture<DeliveryFixture>
{
    [Fact]
    public async Task RelayByMx_ToSecondDaemon_ThenQueueRunThere_BodyArrivesByteForByte()
    {
        // Leading dots (stuffed on the wire both ways), 8-bit bytes, a long line, an empty line and trailing spaces.
        var body = "first line\n.one dot\n..two dots\n.\ncaf\u00e9 \u00fc\u00df 8-bit\n" + new string('x', 900) + "\n\nend with spaces   \n";
        var id = await f.SendAsync("alice@a.example", "carol@mx.delivery.test", body);

        var (code, stdout, stderr) = await f.RunAAsync("-M", id);

        Assert.True(code == 0, stdout + stderr);
        Assert.False(f.Queued(f.A, id));
        Assert.Contains($"{id} => carol@mx.delivery.test R=mx T=to_b H=b.delivery.test [127.0.0.1] C=\"250 OK id=", f.A.MainLog, StringComparison.Ordinal);
        Assert.Contains($"{id} Completed", f.A.MainLog, StringComparison.Ordinal);

        var (codeB, stdoutB, stderrB) = await f.RunBAsync("-q");
        Assert.True(codeB == 0, stdoutB + stderrB);
        var delivered = Assert.Single(DeliveryFixture.Delivered(f.B, "carol"));
        Assert.StartsWith("Return-path: <alice@a.example>\n", delivered, StringComparison.Ordinal);
        Assert.Contains($"\tid {id}", delivered, StringComparison.Ordinal); // A's Received header travelled with it
        Assert.Equal(body, delivered[(delivered.IndexOf("\n\n", StringComparison.Ordinal) + 2)..]);
        Assert.Contains("=> carol <carol@mx.delivery.test> R=local T=local_delivery", f.B.MainLog, StringComparison.Ordinal);
        Assert.Contains("<= alice@a.example H=(a.delivery.test) [127.0.0.2] P=esmtp", f.B.MainLog, StringComparison.Ordinal); // from the interface address
        Assert.Contains("Start queue run: pid=", f.B.MainLog, StringComparison.Ordinal);
        Assert.Contains("End queue run: pid=", f.B.MainLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreferredMxRefuses_NextMxIsTried()
    {
        var id = await f.SendAsync("alice@a.example", "dave@twomx.delivery.test", "hello\n");

        await f.RunAAsync("-M", id);

        var log = f.A.MainLog;
        Assert.Contains($"{id} H=refused.delivery.test [127.0.0.3] Connection refused", log, StringComparison.Ordinal);
        Assert.Contains($"{id} => dave@twomx.delivery.test R=mx T=to_b H=b.delivery.test [127.0.0.1]", log, StringComparison.Ordinal);
        var (_, retry, _) = await f.RunAAsync("--dumpdb", "retry");
        Assert.Matches(@"(?m)^  T:refused\.delivery\.test:127\.0\.0\.3:\d+\S* 111 0 Connection refused$", retry);
    }

    [Fact]
    public async Task TemporaryRejection_DefersWritesRetryRecord_AndQueueRunWaitsForTheRetryTime()
    {
        var id = await f.SendAsync("alice@a.example", "erin@tempfail.example", "hello\n");

        await f.RunAAsync("-M", id);

        Assert.True(f.Queued(f.A, id));
        Assert.Contains($"{id} == erin@tempfail.example R=tempfail T=to_tempfail defer (-44) H=127.0.0.1 [127.0.0.1]: SMTP error from remote mail server after RCPT TO:<erin@tempfail.example>: 451 4.7.1 try again later",
            f.A.MainLog, StringComparison.Ordinal);
        var (_, retry, _) = await f.RunAAsync("--dumpdb", "retry");
        Assert.Contains("  A:erin@tempfail.example -44 0 ", retry, StringComparison.Ordinal);

        var connections = f.TempFail.Connections;
        var (code, _, _) = await f.RunAAsync("-q");
        Assert.Equal(0, code);
        Assert.Equal(connections, f.TempFail.Connections); // the retry time (15m) has not come
        Assert.Contains($"{id} == erin@tempfail.example routing defer (-52): retry time not reached", f.A.MainLog, StringComparison.Ordinal);
        Assert.True(f.Queued(f.A, id));

        await f.RunAAsync("-qf"); // forced: tried again despite the retry time
        Assert.True(f.TempFail.Connections > connections);
        Assert.Contains("Start queue run: pid=", f.A.MainLog, StringComparison.Ordinal);
        Assert.Contains(" -qf", f.A.MainLog, StringComparison.Ordinal);
        Assert.True(f.Queued(f.A, id));
    }

    [Fact]
    public async Task PermanentRejection_FailsAndBounceLandsInSendersMaildir()
    {
        var id = await f.SendAsync("frank@a.example", "gina@reject.example", "this will bounce\n");

        await f.RunAAsync("-M", id);

        var log = f.A.MainLog;
        Assert.Contains($"{id} ** gina@reject.example R=reject T=to_reject H=127.0.0.1 [127.0.0.1]: SMTP error from remote mail server after RCPT TO:<gina@reject.example>: 550 5.1.1 no such user here",
            log, StringComparison.Ordinal);
        Assert.Contains($"<= <> R={id} U=", log, StringComparison.Ordinal);
        Assert.Contains($"{id} Completed", log, StringComparison.Ordinal);
        Assert.False(f.Queued(f.A, id));

        var bounce = Assert.Single(DeliveryFixture.Delivered(f.A, "frank"));
        Assert.StartsWith("Return-path: <>\n", bounce, StringComparison.Ordinal);
        Assert.Contains("multipart/report", bounce, StringComparison.Ordinal);
        Assert.Contains("report-type=delivery-status", bounce, StringComparison.Ordinal);
        Assert.Contains("Final-Recipient: rfc822;gina@reject.example", bounce, StringComparison.Ordinal);
        Assert.Contains("Status: 5.1.1", bounce, StringComparison.Ordinal);
        Assert.Contains("Diagnostic-Code: smtp; 550 5.1.1 no such user here", bounce, StringComparison.Ordinal);
        Assert.Contains("this will bounce", bounce, StringComparison.Ordinal); // the returned message
        Assert.Contains("X-Failed-Recipients: gina@reject.example", bounce, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OldServer_HeloFallback_MaxRcptBatches_AndOneConnectionForTwoMessages()
    {
        var first = await f.SendAsync("alice@a.example", ["l1@legacy.example", "l2@legacy.example", "l3@legacy.example"], "batched\n");
        var second = await f.SendAsync("alice@a.example", "l4@legacy.example", "second\n");
        var connections = f.Legacy.Connections;
        var commands = f.Legacy.Commands.Count;

        var (code, stdout, stderr) = await f.RunAAsync("-q");

        Assert.True(code == 0, stdout + stderr);
        Assert.Equal(connections + 1, f.Legacy.Connections);
        var sent = f.Legacy.Commands.Skip(commands).ToList();
        Assert.Equal(["EHLO a.delivery.test", "HELO a.delivery.test"], sent.Take(2));
        Assert.Equal(3, sent.Count(c => c.StartsWith("MAIL FROM:<alice@a.example>", StringComparison.Ordinal))); // 2 + 1 for the first, 1 for the second
        Assert.DoesNotContain(sent, c => c.Contains("SIZE=", StringComparison.Ordinal)); // not offered
        var log = f.A.MainLog;
        // max_rcpt = 2: two deliveries, l1 and l2 in one ("=>" then "->"), l3 in the next.
        foreach (var (flag, r) in new[] { ("=>", "l1"), ("->", "l2"), ("=>", "l3") })
        {
            Assert.Contains($"{first} {flag} {r}@legacy.example R=legacy T=to_legacy H=127.0.0.1 [127.0.0.1] C=\"250 OK id=fake\"", log, StringComparison.Ordinal);
        }
        Assert.Contains($"{second} => l4@legacy.example R=legacy T=to_legacy", log, StringComparison.Ordinal);
        Assert.False(f.Queued(f.A, first));
        Assert.False(f.Queued(f.A, second));
    }

    [Fact]
    public async Task StallingServer_CommandTimeoutFires_AndTheMessageIsDeferred()
    {
        var id = await f.SendAsync("alice@a.example", "hank@stall.example", "hello\n");

        var started = DateTime.UtcNow;
        await f.RunAAsync("-M", id);

        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(2)); // command_timeout = 2s
        var log = f.A.MainLog;
        // PIPELINING was offered: Exim names the command "pipelined MAIL FROM:<...> SIZE=n", and adds strerror(ETIMEDOUT).
        Assert.Matches($@"{id} H=127\.0\.0\.1 \[127\.0\.0\.1\]: SMTP timeout after pipelined MAIL FROM:<alice@a\.example> SIZE=\d+: Connection timed out\n", log);
        Assert.Matches($@"{id} == hank@stall\.example R=stall T=to_stall defer \(110\): Connection timed out H=127\.0\.0\.1 \[127\.0\.0\.1\]: SMTP timeout after pipelined MAIL FROM:<alice@a\.example> SIZE=\d+\n", log);
        Assert.True(f.Queued(f.A, id));
    }

    [Fact]
    public async Task DeferredPastTheRetryRulesCutoff_FailsAndBounces()
    {
        var id = await f.SendAsync("ivan@a.example", "judy@expire.example", "hello\n");
        var received = DateTime.UtcNow;

        await f.RunAAsync("-M", id); // 451: deferred, or already past the 3s cutoff on a slow machine
        var wait = received + TimeSpan.FromSeconds(4) - DateTime.UtcNow;
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        await f.RunAAsync("-M", id);

        Assert.Contains($"{id} ** judy@expire.example R=tempfail T=to_tempfail H=127.0.0.1 [127.0.0.1]: retry timeout exceeded", f.A.MainLog, StringComparison.Ordinal);
        Assert.False(f.Queued(f.A, id));
        var bounce = Assert.Single(DeliveryFixture.Delivered(f.A, "ivan"));
        Assert.Contains("Final-Recipient: rfc822;judy@expire.example", bounce, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MxPointingAtThisHost_SelfFreeze_DefersAndFreezesTheMessage()
    {
        var id = await f.SendAsync("alice@a.example", "sid@selfmx.delivery.test", "to myself\n");

        var (code, stdout, stderr) = await f.RunAAsync("-M", id);

        Assert.True(code == 0, stdout + stderr);
        var log = f.A.MainLog;
        Assert.Contains($"{id} == sid@selfmx.delivery.test R=mx defer (-1): lowest numbered MX record points to local host", log, StringComparison.Ordinal);
        Assert.Contains($"{id} Frozen\n", log, StringComparison.Ordinal);
        var (_, listing, _) = await f.RunAAsync("-bp");
        Assert.Contains($"{id} <alice@a.example> *** frozen ***", listing, StringComparison.Ordinal);
        Assert.True(f.Queued(f.A, id));
        Assert.Equal(0, (await f.RunAAsync("-Mrm", id)).ExitCode); // leave A's queue as the other tests expect it
    }

    [Fact]
    public async Task LockedMessage_IsLeftAlone_ThenRemovedWithMrm()
    {
        var id = await f.SendAsync("alice@a.example", "kim@mx.delivery.test", "locked\n");

        using (var held = DeliveryFixture.LockMessage(f.A.Directory.Combine("spool", "input"), id))
        {
            var (code, stdout, _) = await f.RunAAsync("-M", id);
            Assert.Equal(1, code);
            Assert.Contains($"Spool file for {id} is locked", stdout, StringComparison.Ordinal);
            Assert.True(f.Queued(f.A, id));

            var (rmCode, rmOut, _) = await f.RunAAsync("-Mrm", id);
            Assert.Equal(1, rmCode);
            Assert.Contains($"Message {id} is locked", rmOut, StringComparison.Ordinal);
        }

        var (removed, output, _) = await f.RunAAsync("-Mrm", id);
        Assert.Equal(0, removed);
        Assert.Equal($"Message {id} has been removed\n", output);
        Assert.False(f.Queued(f.A, id));
        Assert.False(File.Exists(f.A.Directory.Combine("spool", "input", id + "-D")));
        Assert.Contains($"{id} removed by ", f.A.MainLog, StringComparison.Ordinal);
        Assert.DoesNotContain($"{id} =>", f.A.MainLog, StringComparison.Ordinal);
    }
}
