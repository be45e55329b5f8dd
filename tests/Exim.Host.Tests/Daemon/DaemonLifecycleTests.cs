using System.Net;
using System.Net.Sockets;
using Exim.Mail.Spool;
using Exim.TestKit;

namespace Exim.Host.Tests.Daemon;

/// <summary>Pid file, reloads under load, port changes, drain on SIGTERM and crash safety of the spool.</summary>
public sealed class DaemonLifecycleTests
{
    [Fact]
    public async Task PidFile_IsWrittenAfterBindingAndRemovedOnSigterm()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());

        Assert.Equal($"{d.Process.Pid}\n", File.ReadAllText(d.PidFilePath));
        Assert.Equal(0, await d.StopAsync());
        Assert.False(File.Exists(d.PidFilePath));
    }

    [Fact]
    public async Task ListenOverride_WithoutDashOP_WritesNoPidFile_AndListensWhereTold()
    {
        var port = FreePort();
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig(), null, "-oX", $"127.0.0.1.{port}");

        Assert.Equal([port], d.Ports);
        Assert.False(File.Exists(d.PidFilePath));
        var (c, greeting) = await SmtpTestClient.OpenAsync(port);
        await using var client = c;
        Assert.StartsWith("220 ", greeting, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sighup_DuringSessions_DropsNoneAndKeepsThePortAnswering()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("smtp_accept_max = 2"));
        var port = d.Port;
        var (a, _) = await SmtpTestClient.OpenAsync(port);
        await using var aClient = a;
        await a.CommandAsync("EHLO a.example");
        Assert.Equal("250 OK", await a.CommandAsync("MAIL FROM:<x@a.example>"));

        d.Process.Signal(Signals.SIGHUP);
        await d.WaitForLogAsync("configuration reloaded (SIGHUP): generation 1 -> 2");

        // The session that started on generation 1 finishes on it.
        Assert.Equal("250 Accepted", await a.CommandAsync("RCPT TO:<y@test.example>"));
        Assert.Equal("354 Enter message, ending with \".\" on a line by itself", await a.CommandAsync("DATA"));
        Assert.StartsWith("250 OK id=", await a.CommandAsync("Subject: across a reload\r\n\r\nstill here\r\n."), StringComparison.Ordinal);
        // Same port, same pid, and the slot count survived the reload: one more fits, the third does not.
        Assert.Equal(port, d.Port);
        Assert.Equal(2, d.CountLog($"daemon started: pid={d.Process.Pid}"));
        var (b, greeting) = await SmtpTestClient.OpenAsync(port);
        await using var bClient = b;
        Assert.StartsWith("220 ", greeting, StringComparison.Ordinal);
        var (c, refused) = await SmtpTestClient.OpenAsync(port);
        await using var cClient = c;
        Assert.StartsWith("421 Too many concurrent SMTP connections", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sighup_WithChangedPorts_BindsNewOnesAndClosesOnlyRemovedOnes()
    {
        var (p1, p2) = (FreePort(), FreePort());
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig().Replace("daemon_smtp_ports = [0]", $"daemon_smtp_ports = [{p1}]", StringComparison.Ordinal));
        var (early, _) = await SmtpTestClient.OpenAsync(p1);
        await using var earlyClient = early;

        File.WriteAllText(d.ConfigPath, TestDaemon.SmtpConfig().Replace("daemon_smtp_ports = [0]", $"daemon_smtp_ports = [{p1}, {p2}]", StringComparison.Ordinal));
        d.Process.Signal(Signals.SIGHUP);
        await d.WaitForLogAsync($"listening for SMTP on [127.0.0.1]:{{{p1},{p2}}}");
        Assert.StartsWith("220 ", (await OpenAndCloseAsync(p2)), StringComparison.Ordinal);
        Assert.Equal("250 OK", await early.CommandAsync("NOOP"));

        File.WriteAllText(d.ConfigPath, TestDaemon.SmtpConfig().Replace("daemon_smtp_ports = [0]", $"daemon_smtp_ports = [{p2}]", StringComparison.Ordinal));
        d.Process.Signal(Signals.SIGHUP);
        await d.WaitForLogAsync($"generation 2 -> 3");
        await Assert.ThrowsAnyAsync<SocketException>(() => SmtpTestClient.ConnectAsync(p1));
        Assert.StartsWith("220 ", (await OpenAndCloseAsync(p2)), StringComparison.Ordinal);
        Assert.Equal("250 OK", await early.CommandAsync("NOOP")); // a session on a removed port carries on
    }

    [Fact]
    public async Task Sighup_WithAPortThatCannotBeBound_IsRejected_OldPortsStay()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());
        using var squatter = Squatter(out var taken);

        File.WriteAllText(d.ConfigPath, TestDaemon.SmtpConfig().Replace("daemon_smtp_ports = [0]", $"daemon_smtp_ports = [0, {taken}]", StringComparison.Ordinal));
        d.Process.Signal(Signals.SIGHUP);

        await d.WaitForLogAsync("reload (SIGHUP) rejected with 1 error(s): generation 1 stays in force");
        Assert.Contains($"socket bind() to port {taken} for address 127.0.0.1 failed: Address already in use: daemon abandoned", d.MainLog, StringComparison.Ordinal);
        Assert.StartsWith("220 ", await OpenAndCloseAsync(d.Port), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_BindFailure_IsRetriedThenAbandoned()
    {
        using var squatter = Squatter(out var taken);
        using var dir = new TempDirectory();
        var config = dir.Write("exim.toml", OnPort(taken, "daemon_startup_retries = 1\ndaemon_startup_sleep = \"1s\""));

        var (code, _, stderr) = await EximProcess.RunAsync(dir.Path, "-C", config, "-bd");

        Assert.Equal(1, code);
        Assert.Contains($"socket bind() to port {taken} for address 127.0.0.1 failed: Address already in use: daemon abandoned", stderr, StringComparison.Ordinal);
        var panic = Wait.ReadShared(dir.Combine("spool", "log", "paniclog"));
        Assert.Contains($"socket bind() to port {taken} for address 127.0.0.1 failed: Address already in use: daemon abandoned", panic, StringComparison.Ordinal);
        var main = Wait.ReadShared(dir.Combine("spool", "log", "mainlog"));
        Assert.Contains($"socket bind() to port {taken} for address 127.0.0.1 failed: Address already in use: waiting 1s before trying again (1 more try)", main, StringComparison.Ordinal);
        Assert.Contains($"bind of [127.0.0.1]:{taken} failed", main, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_WhileRetryingABind_StopsAtOnce()
    {
        using var squatter = Squatter(out var taken);
        using var dir = new TempDirectory();
        var config = dir.Write("exim.toml", OnPort(taken, "daemon_startup_retries = 9\ndaemon_startup_sleep = \"30s\""));
        await using var daemon = EximProcess.Start(dir.Path, "-C", config, "-bd");
        await Wait.UntilOrFailAsync(() => File.Exists(dir.Combine("spool", "log", "mainlog"))
                && Wait.ReadShared(dir.Combine("spool", "log", "mainlog")).Contains("waiting 30s before trying again (9 more tries)", StringComparison.Ordinal),
            TestTimeouts.Startup, () => "no bind retry logged");

        daemon.Signal(Signals.SIGTERM);

        // Well inside the 30 s sleep: the retry wait ends with the signal.
        Assert.Equal(1, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Sigterm_ClosesThePort_LetsSessionsFinish_Then421sTheRest()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("daemon_drain_timeout = \"2s\""));
        var port = d.Port;
        var (busy, _) = await SmtpTestClient.OpenAsync(port);
        await using var busyClient = busy;
        var (idle, _) = await SmtpTestClient.OpenAsync(port);
        await using var idleClient = idle;
        await busy.CommandAsync("EHLO busy.example");
        await busy.CommandAsync("MAIL FROM:<x@busy.example>");

        d.Process.Signal(Signals.SIGTERM);
        await d.WaitForLogAsync("SIGTERM received: daemon shutting down");

        // Within the drain time the busy session still completes its message.
        Assert.Equal("250 Accepted", await busy.CommandAsync("RCPT TO:<y@test.example>"));
        await busy.CommandAsync("DATA");
        Assert.StartsWith("250 OK id=", await busy.CommandAsync("Subject: drain\r\n\r\nmade it\r\n."), StringComparison.Ordinal);
        await busy.CommandAsync("QUIT");
        await Wait.UntilOrFailAsync(async () =>
        {
            try { await (await SmtpTestClient.ConnectAsync(port)).DisposeAsync(); return false; }
            catch (SocketException) { return true; }
        }, TestTimeouts.Default, () => "the port to close");
        // The idle one is told the daemon is going away once the drain time is over.
        Assert.Equal("421 mx.test.example: Service not available - closing connection", await idle.ReadReplyAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(0, await d.Process.WaitForExitAsync(TestTimeouts.Default));
        Assert.False(File.Exists(d.PidFilePath));
    }

    [Theory]
    [InlineData("filesystem")]
    [InlineData("file")]
    public async Task Sigkill_DuringABurst_EveryAcknowledgedMessageIsCompleteInTheSpool(string spoolSync)
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig($"smtp_accept_max = 50\nspool_sync = \"{spoolSync}\""));
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var port = d.Port;

        var senders = Enumerable.Range(0, 8).Select(n => Task.Run(async () =>
        {
            try
            {
                for (var i = 0; i < 2000 && !stop.IsCancellationRequested; i++)
                {
                    var (c, _) = await SmtpTestClient.OpenAsync(port);
                    await using var client = c;
                    await client.CommandAsync("EHLO burst.example");
                    var marker = $"burst-{n}-{i}";
                    var reply = await client.SendMessageAsync("x@burst.example", "y@test.example", $"Subject: {marker}\n\n{marker}\nend-of-{marker}");
                    if (reply.StartsWith("250 OK id=", StringComparison.Ordinal)) acknowledged[reply["250 OK id=".Length..]] = marker;
                }
            }
            catch (Exception e) when (e is SocketException or TimeoutException or IOException or InvalidOperationException)
            {
                // The daemon was killed under us: expected.
            }
        })).ToList();

        await Wait.UntilOrFailAsync(() => acknowledged.Count >= 40, TestTimeouts.Default, () => $"{acknowledged.Count} messages acknowledged");
        d.Process.Signal(Signals.SIGKILL);
        await d.Process.WaitForExitAsync(TestTimeouts.Default);
        await stop.CancelAsync();
        await Task.WhenAll(senders).WaitAsync(TestTimeouts.Default);

        Assert.NotEmpty(acknowledged);
        foreach (var (id, marker) in acknowledged)
        {
            var header = SpoolHeaderFile.Read(Path.Combine(d.InputDirectory, id + "-H"));
            Assert.NotNull(header);
            Assert.Equal<string>(["y@test.example"], header.Recipients);
            var data = File.ReadAllText(Path.Combine(d.InputDirectory, id + "-D"));
            Assert.Equal($"{id}-D\n{marker}\nend-of-{marker}\n", data);
        }
        // Whatever was in flight when the daemon died left no half-message a runner would pick up.
        foreach (var h in Directory.GetFiles(d.InputDirectory, "*-H"))
        {
            Assert.NotNull(SpoolHeaderFile.Read(h));
            Assert.True(File.Exists(h[..^2] + "-D"), $"{h} has no data file");
        }
    }

    private static async Task<string> OpenAndCloseAsync(int port)
    {
        var (c, greeting) = await SmtpTestClient.OpenAsync(port);
        await c.DisposeAsync();
        return greeting;
    }

    private static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    /// <summary>A socket listening on a loopback port, so the daemon's bind of that port fails.</summary>
    private static Socket Squatter(out int port)
    {
        var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        port = ((IPEndPoint)squatter.LocalEndPoint!).Port;
        return squatter;
    }

    /// <summary>The test daemon's configuration with <paramref name="extra"/>, listening on <paramref name="port"/>.</summary>
    private static string OnPort(int port, string extra)
        => TestDaemon.SmtpConfig(extra).Replace("daemon_smtp_ports = [0]", $"daemon_smtp_ports = [{port}]", StringComparison.Ordinal);
}
