using System.Text.RegularExpressions;
using Exim.TestKit;

namespace Exim.Host.Tests.Submission;

/// <summary>
/// sendmail, mailq and newaliases by symbolic link to the real executable, as root and as nobody (setpriv), against a
/// real daemon: the message goes through the daemon's submission socket, which takes the submitter from SO_PEERCRED.
/// </summary>
public sealed class SendmailTests(SendmailDaemonFixture fixture) : IClassFixture<SendmailDaemonFixture>
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private Task<(int ExitCode, string Stdout, string Stderr)> Sendmail(bool asNobody, string input, params string[] args)
        => Submitter.RunAsync(fixture.Directory, "sendmail", asNobody, input, ["-C", fixture.Daemon.ConfigPath, .. args]);

    private async Task<string> DeliveredAsync(string localPart)
    {
        await Wait.UntilOrFailAsync(() => Submitter.Delivered(fixture.Directory, localPart).Length > 0, TestTimeouts.Default,
            () => $"delivery to {localPart}\n{fixture.Daemon.MainLog}");
        return Submitter.Delivered(fixture.Directory, localPart).Single();
    }

    /// <summary>The &lt;= line of the message delivered to (or queued for) <paramref name="localPart"/>.</summary>
    private string ArrivalLine(string id) => fixture.Daemon.MainLog.Split('\n').Single(l => l.Contains($"{id} <= ", StringComparison.Ordinal));

    /// <summary>The id in the =&gt; line of the delivery to <paramref name="localPart"/> (logged just after the Maildir file is written).</summary>
    private async Task<string> DeliveredIdAsync(string localPart)
    {
        await fixture.Daemon.WaitForLogAsync($" => {localPart} <");
        return Regex.Match(fixture.Daemon.MainLog, $@"(\S+) => {Regex.Escape(localPart)} <").Groups[1].Value;
    }

    [Fact]
    public async Task SendmailT_AsNobody_DeliversIntoMaildirWithEximsLocalHeaders()
    {
        var to = Unique("to");
        var bcc = Unique("bcc");
        var (code, _, stderr) = await Sendmail(asNobody: true, $"To: {to}@test.example\nBcc: {bcc}@test.example\nSubject: cron output\n\nline one\n.\nafter the dot\n", "-t");

        Assert.True(code == 0, stderr);
        var message = await DeliveredAsync(to);
        var copy = await DeliveredAsync(bcc);
        Assert.DoesNotContain("Bcc:", copy, StringComparison.OrdinalIgnoreCase); // the Bcc recipient got it, without the header
        Assert.Matches(@"^Return-path: <nobody@mx\.test\.example>\nReceived: from nobody by mx\.test\.example with local \(Exim 4\.96\)\n\t\(envelope-from <nobody@mx\.test\.example>\)\n\tid \S+;\n\t", message);
        Assert.DoesNotContain("Bcc:", message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\nFrom: nobody <nobody@mx.test.example>\n", message, StringComparison.Ordinal);
        Assert.Matches(@"\nMessage-Id: <E\S+@mx\.test\.example>\n", message);
        Assert.Matches(@"\nDate: \w{3}, \d\d \w{3} \d{4} ", message);
        Assert.DoesNotContain("Sender:", message, StringComparison.Ordinal);
        Assert.EndsWith("\n\nline one\n", message, StringComparison.Ordinal); // a lone dot ends the message without -i
        var id = await DeliveredIdAsync(to);
        Assert.Matches($@"^\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d {id} <= nobody@mx\.test\.example U=nobody P=local S=\d+$", ArrivalLine(id));
    }

    [Fact]
    public async Task UntrustedF_IsIgnored_AndSenderHeaderAdded_WhenFromIsNotTheUser()
    {
        var to = Unique("untr");
        var (code, _, stderr) = await Sendmail(asNobody: true, "From: Boss <boss@corp.example>\nSender: forged@corp.example\nSubject: x\n\nbody\n",
            "-f", "boss@corp.example", "-odi", $"{to}@test.example");

        Assert.True(code == 0, stderr);
        var message = Submitter.Delivered(fixture.Directory, to).Single(); // -odi: delivered before sendmail returned
        Assert.StartsWith("Return-path: <nobody@mx.test.example>\n", message, StringComparison.Ordinal);
        Assert.Contains("\nFrom: Boss <boss@corp.example>\n", message, StringComparison.Ordinal);
        Assert.Contains("\nSender: nobody <nobody@mx.test.example>\n", message, StringComparison.Ordinal);
        Assert.DoesNotContain("forged@corp.example", message, StringComparison.Ordinal);
        Assert.Contains(" <= nobody@mx.test.example U=nobody P=local ", ArrivalLine(await DeliveredIdAsync(to)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UntrustedF_MatchingUntrustedSetSender_OrEmpty_IsHonoured()
    {
        var list = Unique("list");
        var bounce = Unique("null");
        var (code, _, stderr) = await Sendmail(asNobody: true, "Subject: digest\n\nbody\n", "-odq", "-f", "owner@lists.example", $"{list}@test.example");
        Assert.True(code == 0, stderr);
        (code, _, stderr) = await Sendmail(asNobody: true, "Subject: vacation\n\nbody\n", "-odq", "-f", "<>", $"{bounce}@test.example");
        Assert.True(code == 0, stderr);

        var listId = fixture.QueuedIdFor($"{list}@test.example");
        var bounceId = fixture.QueuedIdFor($"{bounce}@test.example");
        Assert.NotNull(listId);
        Assert.NotNull(bounceId);
        Assert.Contains($"{listId} <= owner@lists.example U=nobody P=local ", ArrivalLine(listId), StringComparison.Ordinal);
        Assert.Contains($"{bounceId} <= <> U=nobody P=local ", ArrivalLine(bounceId), StringComparison.Ordinal);
        // From: is made from the envelope sender; it is not nobody's, so Sender: says who sent it.
        var header = await File.ReadAllTextAsync(Path.Combine(fixture.Daemon.InputDirectory, listId + "-H"));
        Assert.Contains("F From: nobody <owner@lists.example>\n", header, StringComparison.Ordinal);
        Assert.Contains("S Sender: nobody <nobody@mx.test.example>\n", header, StringComparison.Ordinal);
        Assert.StartsWith($"{listId}-H\nnobody 65534 65534\n<owner@lists.example>\n", header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrustedF_IsHonoured_WithoutSenderHeader_AndOdqLeavesItQueued()
    {
        var to = Unique("trust");
        var (code, _, stderr) = await Sendmail(asNobody: false, "From: Alerts <alerts@corp.example>\nSubject: disk\n\nbody\n",
            "-odq", "-oi", "-f", "alerts@corp.example", $"{to}@test.example");

        Assert.True(code == 0, stderr);
        var id = fixture.QueuedIdFor($"{to}@test.example");
        Assert.NotNull(id);
        Assert.Contains($"{id} <= alerts@corp.example U=root P=local S=", ArrivalLine(id), StringComparison.Ordinal);
        var header = await File.ReadAllTextAsync(Path.Combine(fixture.Daemon.InputDirectory, id + "-H"));
        Assert.DoesNotContain("Sender:", header, StringComparison.Ordinal);
        // The message's own log (-Mvl) starts with its reception, as for a message received over SMTP.
        var messageLog = await File.ReadAllTextAsync(Path.Combine(fixture.Daemon.InputDirectory, "..", "msglog", id));
        Assert.Matches($@"^\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d Received from alerts@corp\.example U=root P=local S=\d+", messageLog);
        Assert.Empty(Submitter.Delivered(fixture.Directory, to));
        Assert.DoesNotContain($"{id} =>", fixture.Daemon.MainLog, StringComparison.Ordinal);

        // mailq (a link named so) is -bp: it lists the queued message.
        var (mailqCode, listing, mailqError) = await Submitter.RunAsync(fixture.Directory, "mailq", asNobody: false, "", "-C", fixture.Daemon.ConfigPath);
        Assert.True(mailqCode == 0, mailqError);
        Assert.Matches($@"\S+ +\d+\S* {Regex.Escape(id)} <alerts@corp\.example>\n +{to}@test\.example", listing);
    }

    [Fact]
    public async Task DashI_KeepsALoneDot_AndNewaliasesDoesNothing()
    {
        var to = Unique("dots");
        var (code, _, stderr) = await Sendmail(asNobody: true, "Subject: dots\n\nbefore\n.\nafter\n", "-i", "-odi", $"{to}@test.example");
        Assert.True(code == 0, stderr);
        Assert.EndsWith("\n\nbefore\n.\nafter\n", Submitter.Delivered(fixture.Directory, to).Single(), StringComparison.Ordinal);

        var (aliases, stdout, aliasesError) = await Submitter.RunAsync(fixture.Directory, "newaliases", asNobody: true, "");
        Assert.Equal(0, aliases);
        Assert.Equal("", stdout + aliasesError);
    }

    [Fact]
    public async Task NoRecipientsInHeaders_IsRefusedWithExit1()
    {
        var (code, _, stderr) = await Sendmail(asNobody: true, "Subject: nobody to send to\n\nbody\n", "-t");
        Assert.Equal(1, code);
        Assert.Contains("no recipients found in headers", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DashBs_RunsTheSmtpSessionForTheUser_UntrustedMailFromReplaced_TrustedHonoured()
    {
        var untrusted = Unique("bsn");
        var trusted = Unique("bsr");
        var (code, stdout, stderr) = await Sendmail(asNobody: true,
            $"EHLO me.example\nMAIL FROM:<boss@corp.example>\nRCPT TO:<{untrusted}@test.example>\nDATA\nFrom: Boss <boss@corp.example>\nSubject: bs\n\nhello\n.\nQUIT\n", "-bs");
        Assert.True(code == 0, stderr);
        Assert.StartsWith("220 mx.test.example ESMTP Exim 4.96 ", stdout, StringComparison.Ordinal);
        Assert.Contains("250-mx.test.example Hello nobody at me.example\r\n", stdout, StringComparison.Ordinal);
        Assert.Matches(@"250 OK id=\S+\r\n221 mx\.test\.example closing connection\r\n$", stdout);
        var message = await DeliveredAsync(untrusted);
        Assert.StartsWith("Return-path: <nobody@mx.test.example>\nReceived: from nobody (helo=me.example)\n\tby mx.test.example with local-esmtp (Exim 4.96)\n", message, StringComparison.Ordinal);
        Assert.Contains("\nSender: nobody <nobody@mx.test.example>\n", message, StringComparison.Ordinal);
        Assert.Contains(" <= nobody@mx.test.example U=nobody P=local-esmtp S=", ArrivalLine(await DeliveredIdAsync(untrusted)), StringComparison.Ordinal);

        (code, stdout, stderr) = await Sendmail(asNobody: false,
            $"HELO me.example\nMAIL FROM:<boss@corp.example>\nRCPT TO:<{trusted}@test.example>\nDATA\nSubject: bs\n\nhello\n.\nQUIT\n", "-bs", "-odq");
        Assert.True(code == 0, stderr);
        Assert.Contains("250 mx.test.example Hello root at me.example\r\n", stdout, StringComparison.Ordinal);
        var id = fixture.QueuedIdFor($"{trusted}@test.example");
        Assert.NotNull(id);
        Assert.Contains($"{id} <= boss@corp.example U=root P=local-smtp S=", ArrivalLine(id), StringComparison.Ordinal);
        var header = await File.ReadAllTextAsync(Path.Combine(fixture.Daemon.InputDirectory, id + "-H"));
        Assert.Contains("F From: boss@corp.example\n", header, StringComparison.Ordinal);
        Assert.DoesNotContain("Sender:", header, StringComparison.Ordinal);
        Assert.DoesNotContain("-host_address", header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DashBs_RunsTheConnectAndSmtpStagePolicies_SeeingTheLocalUser_AndTheDataStageSeesEximsFixUps()
    {
        var refused = Unique("refused");
        var to = Unique("bsp");
        var (code, stdout, stderr) = await Sendmail(asNobody: true,
            $"EHLO me.example\nMAIL FROM:<nobody@mx.test.example>\nRCPT TO:<{refused}@test.example>\nRCPT TO:<{to}@test.example>\nDATA\nSubject: stage-check\n\nhello\n.\nQUIT\n", "-bs");

        Assert.True(code == 0, stderr);
        Assert.Contains($"550 no mail to {refused}@test.example from nobody\r\n", stdout, StringComparison.Ordinal);
        var message = await DeliveredAsync(to);
        // Date: and Message-Id: were added (Exim's fix-ups of a local message) before the data stage decided.
        Assert.Contains("\nX-Stage-Check: user=nobody date=present message-id=present\n", message, StringComparison.Ordinal);
        Assert.Contains("connect stage saw local user nobody", fixture.Daemon.MainLog, StringComparison.Ordinal);
        Assert.Contains($"rejected RCPT <{refused}@test.example>: no mail to {refused}@test.example from nobody", fixture.Daemon.MainLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotSmtpStage_RejectsDefersDiscardsOrModifies_ASendmailMessage()
    {
        var rejected = Unique("nsr");
        var (code, _, stderr) = await Sendmail(asNobody: true, "Subject: reject-me\n\nbody\n", $"{rejected}@test.example");
        Assert.Equal(1, code);
        Assert.Contains("exim: message not accepted: rejected by non-SMTP ACL: no such mail from nobody", stderr, StringComparison.Ordinal);
        const string refusal = "F=<nobody@mx.test.example> rejected by non-SMTP ACL: refused nobody@mx.test.example to 1 recipient(s)";
        Assert.Contains(refusal, fixture.Daemon.MainLog, StringComparison.Ordinal);
        Assert.Contains(refusal, fixture.Daemon.RejectLog, StringComparison.Ordinal);

        var deferred = Unique("nsd");
        (code, _, stderr) = await Sendmail(asNobody: true, "Subject: defer-me\n\nbody\n", $"{deferred}@test.example");
        Assert.Equal(75, code); // EX_TEMPFAIL: the caller may try again
        Assert.Contains("rejected by non-SMTP ACL: policy store unavailable", stderr, StringComparison.Ordinal);

        var discarded = Unique("nsx");
        (code, _, stderr) = await Sendmail(asNobody: true, "Subject: discard-me\n\nbody\n", $"{discarded}@test.example");
        Assert.True(code == 0, stderr); // taken, as Exim takes it, and dropped
        Assert.Matches(@"(\S+) => blackhole \(non-SMTP ACL discarded recipients\): into the void", fixture.Daemon.MainLog);

        var modified = Unique("nsm");
        (code, _, stderr) = await Sendmail(asNobody: true, "Subject: modify-me\nX-Remove-Me: yes\n\nbody\n", $"{modified}@test.example", $"{Unique("nsm2")}@test.example");
        Assert.True(code == 0, stderr);
        var message = await DeliveredAsync(modified);
        Assert.Contains("\nX-Not-Smtp: user=nobody sender=nobody@mx.test.example rcpts=2 stage=NotSmtp\n", message, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Remove-Me", message, StringComparison.Ordinal);

        var held = Unique("nsq");
        (code, _, stderr) = await Sendmail(asNobody: true, "Subject: queue-me\n\nbody\n", $"{held}@test.example");
        Assert.True(code == 0, stderr);
        Assert.NotNull(fixture.QueuedIdFor($"{held}@test.example")); // queue only: left for a queue run

        // Nothing of the refused or discarded messages was kept or delivered.
        foreach (var gone in new[] { rejected, deferred, discarded })
        {
            Assert.Null(fixture.QueuedIdFor($"{gone}@test.example"));
            Assert.Empty(Submitter.Delivered(fixture.Directory, gone));
        }
    }

    [Fact]
    public async Task NotSmtpStage_RateLimitPerRecipient_CountsEveryRecipientOfAMessage()
    {
        // At most 3 recipients an hour for nobody: a first message to 2 is taken, a second to 2 more is deferred.
        var (code, _, stderr) = await Sendmail(asNobody: true, "Subject: ratelimit-me\n\nbody\n", $"{Unique("rl")}@test.example", $"{Unique("rl")}@test.example");
        Assert.True(code == 0, stderr);
        (code, _, stderr) = await Sendmail(asNobody: true, "Subject: ratelimit-me\n\nbody\n", $"{Unique("rl")}@test.example", $"{Unique("rl")}@test.example");
        Assert.Equal(75, code);
        Assert.Contains("rejected by non-SMTP ACL: nobody sent to too many recipients", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UntrustedDashF_NameIsOnePhrase_AndABadDashFAddressIsRefusedAsByExim()
    {
        var to = Unique("phrase");
        var (code, _, stderr) = await Sendmail(asNobody: true, "Subject: x\n\nbody\n", "-odq", "-F", "Boss <boss@corp.example>", $"{to}@test.example");
        Assert.True(code == 0, stderr);
        var id = fixture.QueuedIdFor($"{to}@test.example");
        Assert.NotNull(id);
        var header = await File.ReadAllTextAsync(Path.Combine(fixture.Daemon.InputDirectory, id + "-H"));
        Assert.Contains("F From: \"Boss <boss@corp.example>\" <nobody@mx.test.example>\n", header, StringComparison.Ordinal);

        (code, _, stderr) = await Sendmail(asNobody: true, "Subject: x\n\nbody\n", "-f", "owner@lists.example H=forged", $"{to}@test.example");
        Assert.Equal(1, code);
        Assert.Contains("exim: bad -f address \"owner@lists.example H=forged\": malformed address", stderr, StringComparison.Ordinal);
    }
}
