using System.Diagnostics;
using System.Text.Json;
using Exim.TestKit;

namespace Exim.Host.Tests.Control;

/// <summary>
/// The daemon's control socket (notifier_socket) against a real daemon, through the real <c>exim --control</c> and
/// <c>exim --exiwhat</c> commands: every request, the peer check by SO_PEERCRED, and the registration of <c>exim -q</c>.
/// </summary>
public sealed class ControlSocketTests
{
    private static string DeliveringConfig(string extra = "") => TestDaemon.SmtpConfig($$"""
        queue_only = true
        {{extra}}

        [[routers]]
        name = "localuser"
        driver = "accept"
        domains = "+local_domains"
        transport = "local_delivery"

        [[transports]]
        name = "local_delivery"
        driver = "maildir"
        directory = "maildir/$local_part"
        """);

    private static async Task<(int Code, JsonElement Reply, string Stderr)> ControlAsync(TestDaemon d, params string[] request)
    {
        var (code, stdout, stderr) = await EximProcess.RunAsync(d.Directory.Path, ["-C", d.ConfigPath, "--control", .. request]);
        Assert.True(stdout.Length > 0, $"no reply (exit {code}): {stderr}");
        using var json = JsonDocument.Parse(stdout);
        return (code, json.RootElement.Clone(), stderr);
    }

    private static async Task<string> ReceiveAsync(TestDaemon d, string to)
    {
        await using var client = await SmtpTestClient.ConnectAsync(d.Port);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.test");
        var reply = await client.SendMessageAsync("sender@test.example", to, "Subject: control\n\nbody");
        Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        await client.CommandAsync("QUIT");
        return reply["250 OK id=".Length..].Trim();
    }

    private static int MaildirCount(TestDaemon d, string user)
    {
        var dir = d.Directory.Combine("maildir", user, "new");
        return Directory.Exists(dir) ? Directory.GetFiles(dir).Length : 0;
    }

    [Fact]
    public async Task Status_TwoLiveSessions_ListsEachWithClientStateAndAge_AndExiwhatPrintsTheirLines()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());
        await using var first = await SmtpTestClient.ConnectAsync(d.Port, "127.0.0.2");
        Assert.StartsWith("220 ", await first.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250", await first.CommandAsync("EHLO one.test"), StringComparison.Ordinal);
        Assert.StartsWith("250", await first.CommandAsync("MAIL FROM:<a@one.test>"), StringComparison.Ordinal);
        await using var second = await SmtpTestClient.ConnectAsync(d.Port, "127.0.0.3");
        Assert.StartsWith("220 ", await second.ReadReplyAsync(), StringComparison.Ordinal);

        var (code, status, stderr) = await ControlAsync(d, "status");

        Assert.True(code == 0, stderr);
        Assert.Equal(1, status.GetProperty("version").GetInt32());
        Assert.True(status.GetProperty("ok").GetBoolean());
        Assert.Equal(d.Process.Pid, status.GetProperty("pid").GetInt32());
        Assert.True(status.GetProperty("accepting").GetBoolean());
        Assert.Equal(1, status.GetProperty("generation").GetProperty("number").GetInt64());
        Assert.True(DateTimeOffset.Parse(status.GetProperty("generation").GetProperty("built").GetString()!, System.Globalization.CultureInfo.InvariantCulture) <= DateTimeOffset.UtcNow);
        Assert.Equal(d.Port, status.GetProperty("listeners")[0].GetProperty("port").GetInt32());
        var sessions = status.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal(2, sessions.Count);
        Assert.Equal(("127.0.0.2", "MAIL"), (sessions[0].GetProperty("client").GetString(), sessions[0].GetProperty("state").GetString()));
        Assert.Equal(("127.0.0.3", "banner"), (sessions[1].GetProperty("client").GetString(), sessions[1].GetProperty("state").GetString()));
        Assert.All(sessions, s => Assert.InRange(s.GetProperty("age").GetInt64(), 0, 60));
        Assert.Equal("", status.GetProperty("queues")[0].GetProperty("name").GetString());
        Assert.Equal(0, status.GetProperty("queues")[0].GetProperty("messages").GetInt32());
        Assert.True(status.GetProperty("host_cache").TryGetProperty("hit_rate", out _));
        // The metrics' counters (the daemon process's own: both connections so far were accepted, no message yet).
        var counters = status.GetProperty("counters");
        Assert.Equal(2, counters.GetProperty("connections_accepted").GetInt64());
        Assert.Equal(0, counters.GetProperty("messages_received").GetInt64());

        var (whatCode, lines, whatErr) = await EximProcess.RunAsync(d.Directory.Path, "-C", d.ConfigPath, "--exiwhat");
        Assert.True(whatCode == 0, whatErr);
        var pid = $"{d.Process.Pid,5}";
        var ids = sessions.Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.Matches($@"^{pid} daemon\(4\.96\): no queue runs, listening for SMTP on \[127\.0\.0\.1\]:{d.Port}\n" +
            $@"{pid} handling incoming connection from \[127\.0\.0\.2\] \(Ci={ids[0]}, MAIL, \d+s\)\n" +
            $@"{pid} handling incoming connection from \[127\.0\.0\.3\] \(Ci={ids[1]}, banner, \d+s\)\n$", lines);
    }

    [Fact]
    public async Task QueueRun_OverTheSocket_DeliversAQueuedMessage()
    {
        await using var d = await TestDaemon.StartAsync(DeliveringConfig());
        var id = await ReceiveAsync(d, "alice@test.example");
        Assert.Equal(0, MaildirCount(d, "alice"));

        var (code, reply, stderr) = await ControlAsync(d, "queue-run");

        Assert.True(code == 0, stderr + reply);
        Assert.Equal("-q", reply.GetProperty("arguments").GetString());
        await d.WaitForLogAsync($"{id} Completed");
        Assert.Equal(1, MaildirCount(d, "alice"));
        Assert.Contains("notify triggered queue run: -q (control socket, pid ", d.MainLog, StringComparison.Ordinal);
        await d.WaitForLogAsync($"End queue run: pid={reply.GetProperty("pid").GetInt32()}"); // the runner's own line, after Completed
    }

    [Fact]
    public async Task DeliveriesOfRunnerProcesses_ShowInTheDaemonsMetrics_ByTransportAndOutcome()
    {
        // queue_only: the daemon delivers nothing itself; a runner it starts (queue-run) and an `exim -M` started beside it
        // deliver in processes of their own, and report what they did over their registration.
        await using var d = await TestDaemon.StartAsync(DeliveringConfig());
        var first = await ReceiveAsync(d, "alice@test.example");
        var (_, reply, _) = await ControlAsync(d, "queue-run");
        await d.WaitForLogAsync($"{first} Completed");
        await d.WaitForLogAsync($"End queue run: pid={reply.GetProperty("pid").GetInt32()}");
        await Wait.UntilOrFailAsync(async () => await DeliveredAsync(d) == 1, TestTimeouts.Default, () => $"delivered: not 1\n{d.MainLog}");

        var second = await ReceiveAsync(d, "bob@test.example");
        var (code, _, stderr) = await EximProcess.RunAsync(d.Directory.Path, "-C", d.ConfigPath, "-M", second);
        Assert.True(code == 0, stderr);
        await d.WaitForLogAsync($"{second} Completed");
        await Wait.UntilOrFailAsync(async () => await DeliveredAsync(d) == 2, TestTimeouts.Default, () => $"delivered: not 2\n{d.MainLog}");

        var (_, status, _) = await ControlAsync(d, "status");
        var transport = status.GetProperty("counters").GetProperty("deliveries").GetProperty("local_delivery");
        Assert.Equal((2, 0, 0), (transport.GetProperty("delivered").GetInt64(), transport.GetProperty("deferred").GetInt64(), transport.GetProperty("failed").GetInt64()));
        Assert.Equal(2, MaildirCount(d, "alice") + MaildirCount(d, "bob"));
    }

    private static async Task<long> DeliveredAsync(TestDaemon d)
    {
        var (_, status, _) = await ControlAsync(d, "status");
        return status.GetProperty("counters").GetProperty("deliveries").TryGetProperty("local_delivery", out var t) ? t.GetProperty("delivered").GetInt64() : 0;
    }

    [Fact]
    public async Task QueueRun_NamedQueueAndOneId_DeliversOnlyThatMessage()
    {
        await using var d = await TestDaemon.StartAsync(DeliveringConfig());
        var first = await ReceiveAsync(d, "alice@test.example");
        var second = await ReceiveAsync(d, "bob@test.example");
        var (moved, _, moveErr) = await EximProcess.RunAsync(d.Directory.Path, "-C", d.ConfigPath, "-MG", "hold", first, second);
        Assert.True(moved == 0, moveErr);

        var (code, reply, stderr) = await ControlAsync(d, "queue-run", "-qGhold", first);

        Assert.True(code == 0, stderr + reply);
        Assert.Equal($"-qGhold {first}", reply.GetProperty("arguments").GetString());
        await d.WaitForLogAsync($"{first} Completed");
        await d.WaitForLogAsync($"End 'hold' queue run: pid={reply.GetProperty("pid").GetInt32()}");
        Assert.Equal(1, MaildirCount(d, "alice"));
        Assert.Equal(0, MaildirCount(d, "bob"));
        Assert.True(File.Exists(d.Directory.Combine("spool", "hold", "input", second + "-H")));
        var (_, status, _) = await ControlAsync(d, "status");
        var hold = status.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("name").GetString() == "hold");
        Assert.Equal(1, hold.GetProperty("messages").GetInt32());
        Assert.InRange(hold.GetProperty("oldest_age").GetInt64(), 0, 120);
        Assert.Equal(2, status.GetProperty("counters").GetProperty("messages_received").GetInt64());
    }

    [Fact]
    public async Task QueueRun_MalformedArguments_AreRefusedWithoutARun()
    {
        await using var d = await TestDaemon.StartAsync(DeliveringConfig());

        var (code, reply, _) = await ControlAsync(d, "queue-run", "-q5m");
        var (badName, nameReply, _) = await ControlAsync(d, "queue-run", "-qG_x");
        var (unknown, unknownReply, _) = await ControlAsync(d, "frobnicate");

        Assert.Equal(1, code);
        Assert.False(reply.GetProperty("ok").GetBoolean());
        Assert.Contains("malformed queue run option -q5m", reply.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, badName);
        Assert.Equal("a queue name starts with a letter or digit: -qG_x", nameReply.GetProperty("error").GetString());
        Assert.Equal(1, unknown);
        Assert.StartsWith("unknown request \"frobnicate\"", unknownReply.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("notify triggered queue run", d.MainLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_AnswersPublished_ThenRefusedWithTheErrors_AndTheOldGenerationStays()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());

        var (code, published, stderr) = await ControlAsync(d, "reload");
        Assert.True(code == 0, stderr + published);
        Assert.Equal("published", published.GetProperty("result").GetString());
        Assert.Equal(2, published.GetProperty("generation").GetInt64());

        File.WriteAllText(d.ConfigPath, "smtp_accept_max = \"lots\"\n" + File.ReadAllText(d.ConfigPath));
        var (refusedCode, refused, _) = await ControlAsync(d, "reload");

        Assert.Equal(1, refusedCode);
        Assert.False(refused.GetProperty("ok").GetBoolean());
        Assert.Equal("configuration rejected: generation 2 stays in force", refused.GetProperty("error").GetString());
        var error = Assert.Single(refused.GetProperty("errors").EnumerateArray()).GetString();
        Assert.True(error!.StartsWith($"{d.ConfigPath}:1:", StringComparison.Ordinal) && error.Contains(": invalid value for \"smtp_accept_max\"", StringComparison.Ordinal), error);
        var (_, status, _) = await ControlAsync(d, "status");
        Assert.Equal(2, status.GetProperty("generation").GetProperty("number").GetInt64());
        await using var client = await SmtpTestClient.ConnectAsync(d.Port);
        Assert.StartsWith("220 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_ThatMovesTheSpoolOrASocket_IsRefused_NamingTheOption()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());

        File.WriteAllText(d.ConfigPath, "submission_socket = \"@elsewhere\"\n" + File.ReadAllText(d.ConfigPath).Replace("spool_directory = \"spool\"", "spool_directory = \"spool2\"", StringComparison.Ordinal));
        // A control client would look for the socket under the new spool; the signal reaches the daemon whatever the file says.
        d.Process.Signal(Signals.SIGHUP);

        await d.WaitForLogAsync("reload (SIGHUP) rejected with 2 error(s): generation 1 stays in force");
        Assert.Contains($"{d.ConfigPath}:1:1: submission_socket cannot change while the daemon runs (it is \"\" since start-up): restart the daemon to change it", d.MainLog, StringComparison.Ordinal);
        Assert.Contains($"spool_directory cannot change while the daemon runs (it is \"{d.Directory.Combine("spool")}\" since start-up): restart the daemon to change it", d.MainLog, StringComparison.Ordinal);
        await using var client = await SmtpTestClient.ConnectAsync(d.Port);
        Assert.StartsWith("220 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pause_LeavesNewConnectionsWaitingWithoutABanner_ResumeGreetsThem()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());

        var (code, paused, _) = await ControlAsync(d, "pause");
        Assert.Equal(0, code);
        Assert.False(paused.GetProperty("accepting").GetBoolean());
        Assert.True(paused.GetProperty("changed").GetBoolean());
        await using var waiting = await SmtpTestClient.ConnectAsync(d.Port); // the kernel completes the handshake
        await Assert.ThrowsAsync<TimeoutException>(() => waiting.ReadReplyAsync(TimeSpan.FromSeconds(1)));
        var (_, status, _) = await ControlAsync(d, "status");
        Assert.False(status.GetProperty("accepting").GetBoolean());
        Assert.Equal(0, status.GetProperty("sessions").GetArrayLength());
        var (_, lines, _) = await EximProcess.RunAsync(d.Directory.Path, "-C", d.ConfigPath, "--exiwhat");
        Assert.Contains(", accepting paused\n", lines, StringComparison.Ordinal);

        var (resumeCode, resumed, _) = await ControlAsync(d, "resume");

        Assert.Equal(0, resumeCode);
        Assert.True(resumed.GetProperty("accepting").GetBoolean());
        Assert.StartsWith("220 ", await waiting.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Contains("accepting paused over the control socket by pid ", d.MainLog, StringComparison.Ordinal);
        Assert.Contains("accepting resumed over the control socket by pid ", d.MainLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_ClosesThePorts_LetsTheSessionFinish_ThenTheDaemonExits()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());
        await using var client = await SmtpTestClient.ConnectAsync(d.Port);
        Assert.StartsWith("220 ", await client.ReadReplyAsync(), StringComparison.Ordinal);

        var (code, reply, stderr) = await ControlAsync(d, "drain");

        Assert.True(code == 0, stderr);
        Assert.Equal(1, reply.GetProperty("sessions").GetInt32());
        Assert.Equal(30, reply.GetProperty("drain_timeout").GetInt32());
        await d.WaitForLogAsync("drain requested over the control socket by pid ");
        await Wait.UntilOrFailAsync(async () =>
        {
            try
            {
                await using var late = await SmtpTestClient.ConnectAsync(d.Port);
                return false;
            }
            catch (System.Net.Sockets.SocketException)
            {
                return true; // refused: the ports are closed
            }
        }, TestTimeouts.Default, () => d.MainLog);
        Assert.False(d.Process.HasExited); // the session still runs
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"), StringComparison.Ordinal);
        Assert.StartsWith("221 ", await client.CommandAsync("QUIT"), StringComparison.Ordinal);
        Assert.Equal(0, await d.Process.WaitForExitAsync(TestTimeouts.Default));
        Assert.Contains("daemon stopped", d.MainLog, StringComparison.Ordinal);
        Assert.False(File.Exists(d.Directory.Combine("spool", "exim_daemon_notify")));
    }

    [Fact]
    public async Task APeerRunningAsNobody_IsRefusedBySoPeercred_AndTheRefusalIsLogged()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());
        var socket = d.Directory.Combine("spool", "exim_daemon_notify");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));
        // Let nobody reach the socket through the file system, so that SO_PEERCRED is what refuses it.
        var traversable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(d.Directory.Path, traversable);
        File.SetUnixFileMode(d.Directory.Combine("spool"), traversable);
        File.SetUnixFileMode(d.ConfigPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        File.SetUnixFileMode(socket, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);

        var (code, stdout, stderr) = await RunAsNobodyAsync(d.Directory.Path, "-C", d.ConfigPath, "--control", "status");

        Assert.True(code == 1, stdout + stderr);
        Assert.Equal("""{"version":1,"ok":false,"error":"permission denied: uid 65534 is not root or the Exim user"}""" + "\n", stdout);
        await d.WaitForLogAsync("control socket: connection from pid ");
        Assert.Matches(@"control socket: connection from pid \d+ uid 65534 gid 65534 refused: not root or the Exim user", d.MainLog);
        var (rootCode, _, rootErr) = await EximProcess.RunAsync(d.Directory.Path, "-C", d.ConfigPath, "--control", "status");
        Assert.True(rootCode == 0, rootErr);
    }

    [Fact]
    public async Task AQueueRunnerFromCron_RegistersWithTheDaemon_AndIsListedWhileItRuns()
    {
        await using var stall = new ScriptedSmtpServer(ScriptedSmtpServer.Answers(mail: null));
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig($$"""
            queue_only = true

            [[routers]]
            name = "stall"
            driver = "manualroute"
            route_list = ["* 127.0.0.1"]
            transport = "to_stall"
            self = "send"

            [[transports]]
            name = "to_stall"
            driver = "smtp"
            port = "{{stall.Port}}"
            command_timeout = "3s"
            allow_localhost = true
            """));
        await ReceiveAsync(d, "b@stall.example");
        await using var runner = EximProcess.Start(d.Directory.Path, "-C", d.ConfigPath, "-q");
        await Wait.UntilOrFailAsync(() => stall.Commands.Any(c => c.StartsWith("MAIL", StringComparison.Ordinal)), TestTimeouts.Default, () => runner.Stderr);

        var (code, status, stderr) = await ControlAsync(d, "status");

        Assert.True(code == 0, stderr);
        var registered = Assert.Single(status.GetProperty("processes").EnumerateArray());
        Assert.Equal(runner.Pid, registered.GetProperty("pid").GetInt32());
        Assert.Equal("running the queue (single queue run)", registered.GetProperty("description").GetString());
        var (_, lines, _) = await EximProcess.RunAsync(d.Directory.Path, "-C", d.ConfigPath, "--exiwhat");
        Assert.Contains($"{runner.Pid,5} running the queue (single queue run)\n", lines, StringComparison.Ordinal);
        Assert.Equal(0, await runner.WaitForExitAsync(TestTimeouts.Default));
        await Wait.UntilOrFailAsync(async () => (await ControlAsync(d, "status")).Reply.GetProperty("processes").GetArrayLength() == 0,
            TestTimeouts.Default, () => "still registered");
    }

    [Fact]
    public async Task QueueRun_WithoutADaemon_RunsAsBefore()
    {
        using var dir = new TempDirectory("exim-ctl");
        var config = dir.Write("exim.toml", DeliveringConfig());

        var (code, _, stderr) = await EximProcess.RunAsync(dir.Path, "-C", config, "-q");
        var (controlCode, _, controlErr) = await EximProcess.RunAsync(dir.Path, "-C", config, "--exiwhat");

        Assert.True(code == 0, stderr);
        Assert.Equal("", stderr);
        Assert.Equal(1, controlCode);
        Assert.StartsWith($"exim: no daemon answers on {dir.Combine("spool", "exim_daemon_notify")}: ", controlErr, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsNobodyAsync(string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo("setpriv")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", "dotnet", RepoPaths.EximDll, .. args]) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["HOME"] = "/tmp";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TestTimeouts.Startup);
        return (process.ExitCode, await stdout, await stderr);
    }
}
