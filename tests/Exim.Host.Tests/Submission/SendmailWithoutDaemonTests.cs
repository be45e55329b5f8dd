using Exim.TestKit;

namespace Exim.Host.Tests.Submission;

/// <summary>No daemon listening: root (who may write the spool) receives in-process; nobody gets EX_TEMPFAIL and nothing is lost silently.</summary>
public sealed class SendmailWithoutDaemonTests
{
    [Fact]
    public async Task DaemonDown_RootReceivesDirectly_NobodyGetsTempFail()
    {
        using var directory = new TempDirectory("exim-sendmail-down");
        var config = directory.Write("exim.toml", SendmailDaemonFixture.Config("queue_only = true"));
        Submitter.OpenUp(directory);
        Directory.CreateDirectory(directory.Combine("spool", "input"));

        var (nobodyCode, _, nobodyError) = await Submitter.RunAsync(directory, "sendmail", asNobody: true, "Subject: x\n\nbody\n", "-C", config, "user@test.example");
        Assert.Equal(75, nobodyCode);
        Assert.Contains("submission socket @exim-submit:", nobodyError, StringComparison.Ordinal);
        Assert.Contains("the message was not accepted", nobodyError, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(directory.Combine("spool", "input")));

        var (rootCode, _, rootError) = await Submitter.RunAsync(directory, "sendmail", asNobody: false, "Subject: x\n\nbody\n", "-C", config, "user@test.example");
        Assert.True(rootCode == 0, rootError);
        var header = Assert.Single(Directory.GetFiles(directory.Combine("spool", "input"), "*-H"));
        var id = Path.GetFileName(header)[..^2];
        Assert.Contains($"{id} <= root@mx.test.example U=root P=local S=", Wait.ReadShared(directory.Combine("spool", "log", "mainlog")), StringComparison.Ordinal);

        // -bs too: the session runs in the caller's process.
        var (bsCode, bsOut, bsError) = await Submitter.RunAsync(directory, "exim", asNobody: false,
            "EHLO me.example\nMAIL FROM:<ops@corp.example>\nRCPT TO:<user@test.example>\nDATA\nSubject: y\n\nbody\n.\nQUIT\n", "-C", config, "-bs");
        Assert.True(bsCode == 0, bsError);
        var bsId = System.Text.RegularExpressions.Regex.Match(bsOut, @"250 OK id=(\S+)\r\n").Groups[1].Value;
        Assert.True(File.Exists(directory.Combine("spool", "input", bsId + "-H")), bsOut);
        Assert.Contains($"{bsId} <= ops@corp.example U=root P=local-esmtp S=", Wait.ReadShared(directory.Combine("spool", "log", "mainlog")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DaemonDown_DashBsInProcess_RunsTheStagePolicies()
    {
        using var directory = new TempDirectory("exim-bs-policy");
        var config = directory.Write("exim.toml", SendmailDaemonFixture.Config("queue_only = true", SendmailDaemonFixture.Hooks));
        SendmailDaemonFixture.WriteScripts(directory);
        Directory.CreateDirectory(directory.Combine("spool", "input"));

        var (code, stdout, stderr) = await Submitter.RunAsync(directory, "exim", asNobody: false,
            "EHLO me.example\nMAIL FROM:<ops@corp.example>\nRCPT TO:<refused-1@test.example>\nRCPT TO:<user@test.example>\nDATA\nSubject: stage-check\n\nbody\n.\nQUIT\n",
            "-C", config, "-bs");

        Assert.True(code == 0, stderr);
        Assert.Contains("550 no mail to refused-1@test.example from root\r\n", stdout, StringComparison.Ordinal);
        var id = System.Text.RegularExpressions.Regex.Match(stdout, @"250 OK id=(\S+)\r\n").Groups[1].Value;
        var header = await File.ReadAllTextAsync(directory.Combine("spool", "input", id + "-H"));
        Assert.Contains("X-Stage-Check: user=root date=present message-id=present\n", header, StringComparison.Ordinal);
        Assert.DoesNotContain("refused-1@test.example", header, StringComparison.Ordinal);
        Assert.Contains("connect stage saw local user root", Wait.ReadShared(directory.Combine("spool", "log", "mainlog")), StringComparison.Ordinal);

        // sendmail in-process: the not_smtp stage decides too, and a refused message leaves nothing in the spool.
        var before = Directory.GetFiles(directory.Combine("spool", "input")).Length;
        var (smCode, _, smError) = await Submitter.RunAsync(directory, "sendmail", asNobody: false, "Subject: reject-me\n\nbody\n", "-C", config, "user@test.example");
        Assert.Equal(1, smCode);
        Assert.Contains("rejected by non-SMTP ACL: no such mail from root", smError, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFiles(directory.Combine("spool", "input")).Length);
    }
}
