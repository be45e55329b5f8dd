using Exim.TestKit;

namespace Exim.Host.Tests.Scripting;

/// <summary><c>exim -bh</c>: a fake SMTP session on stdin/stdout through the limits, the accept hook and the real session code.</summary>
public sealed class HostCheckTests
{
    private const string Policy = """
        return Connection.RemoteAddress.ToString() == "192.0.2.1"
            ? Verdict.Reject($"go away (port {Connection.RemotePort}, to {Connection.LocalAddress}.{Connection.LocalPort})")
            : Verdict.Accept;
        """;

    private const string Dialogue = "EHLO client.example\nMAIL FROM:<a@client.example>\nRCPT TO:<b@test.example>\nDATA\nSubject: test\n\nbody\n.\nQUIT\n";

    private static async Task<(int Code, string Stdout, string Stderr, TempDirectory Dir)> RunAsync(string input, string script, string mainOptions, params string[] args)
    {
        var dir = new TempDirectory("exim-bh");
        dir.Write("scripts/accept.csx", script);
        var config = dir.Write("exim.toml", TestDaemon.SmtpConfig(mainOptions) + HookDaemon.Hooks());
        var (code, stdout, stderr) = await EximProcess.RunWithInputAsync(dir.Path, input, ["-C", config, .. args]);
        return (code, stdout, stderr, dir);
    }

    [Fact]
    public async Task AcceptedHost_RunsTheWholeDialogue_LogsOnStderr_AndSpoolsNothing()
    {
        var (code, stdout, stderr, dir) = await RunAsync(Dialogue, Policy, "", "-bh", "192.0.2.2.4321");
        using var cleanup = dir;

        Assert.True(code == 0, stderr);
        Assert.StartsWith("**** SMTP testing session as if from host 192.0.2.2\n**** but without any ident (RFC 1413) callback.\n**** This is not for real!\n\n220 mx.test.example ESMTP", stdout, StringComparison.Ordinal);
        Assert.Contains("250-mx.test.example Hello client.example [192.0.2.2]", stdout, StringComparison.Ordinal);
        // (the captured output has its CRs stripped)
        Assert.Matches(@"250 OK id=\S+\n\n\*\*\*\* SMTP testing: that is not a real message id!\n\n221 mx.test.example closing connection", stdout);
        Assert.Matches(@"LOG: \S+ <= a@client\.example H=\(client\.example\) \[192\.0\.2\.2\] P=esmtp S=\d+", stderr);
        Assert.Contains("LOG: SMTP connection from (client.example) [192.0.2.2] closed by QUIT", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Combine("spool", "input")) && Directory.EnumerateFiles(dir.Combine("spool", "input")).Any());
        Assert.False(File.Exists(dir.Combine("spool", "log", "mainlog")));
    }

    [Fact]
    public async Task HooksLogLines_AreShown_ButNotTheGenerationsLife()
    {
        var (code, _, stderr, dir) = await RunAsync("QUIT\n", "Log.Info(\"checked \" + Connection.RemoteAddress); return Verdict.Accept;", "", "-bh", "192.0.2.7");
        using var cleanup = dir;

        Assert.True(code == 0, stderr);
        // What the session and its policy would log, as Exim's -bh shows its ACLs' lines; not the configuration's loading.
        Assert.Equal(
            "LOG: SMTP connection from [192.0.2.7] (TCP/IP connection count = 1)\nLOG: scripts/accept.csx: checked 192.0.2.7\nLOG: SMTP connection from [192.0.2.7] closed by QUIT\n",
            stderr);
    }

    [Fact]
    public async Task AcceptHook_Rejects_WithTheFakedPortsAndInterface()
    {
        var (code, stdout, stderr, dir) = await RunAsync(Dialogue, Policy, "", "-bh", "192.0.2.1.1234", "-oMi", "192.0.2.25.587");
        using var cleanup = dir;

        Assert.Equal(0, code);
        Assert.EndsWith("\n\n554 go away (port 1234, to 192.0.2.25.587)\n", stdout, StringComparison.Ordinal);
        Assert.Contains("LOG: H=[192.0.2.1] rejected connection in \"connect\" ACL: go away (port 1234, to 192.0.2.25.587)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DaemonLimits_Apply_AsTheDaemonPluginDecides()
    {
        var (code, stdout, stderr, dir) = await RunAsync(Dialogue, Policy, "host_reject_connection = [\"192.0.2.3\"]", "-bh", "192.0.2.3");
        using var cleanup = dir;

        Assert.Equal(0, code);
        Assert.EndsWith("554 SMTP service not available\n", stdout, StringComparison.Ordinal);
        Assert.Contains("LOG: refused connection from [192.0.2.3] (host_reject_connection)", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-an-ip")]
    [InlineData("192.0.2.1.99999")]
    public async Task BadAddress_Exit1(string address)
    {
        var (code, _, stderr, dir) = await RunAsync("", Policy, "", "-bh", address);
        using var cleanup = dir;

        Assert.Equal(1, code);
        Assert.Contains("is not an IP address", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenScript_IsReported_AndNoSessionRuns()
    {
        var (code, stdout, stderr, dir) = await RunAsync(Dialogue, "return Verdikt.Accept;", "", "-bh", "192.0.2.2");
        using var cleanup = dir;

        Assert.Equal(1, code);
        Assert.Contains("scripts/accept.csx(1,8): error CS0103", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("220", stdout, StringComparison.Ordinal);
    }
}
