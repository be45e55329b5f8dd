using System.Text.RegularExpressions;
using Exim.TestKit;

namespace Exim.Host.Tests.Delivery;

/// <summary>
/// <c>exim -bd -q&lt;time&gt;</c>: the queue-runner plugin schedules runner processes (this executable with <c>-q</c>),
/// the core caps them with queue_run_max, reaps them and reports their exits; a killed runner harms nothing else.
/// </summary>
public sealed partial class QueueRunnerTests
{
    private static string Config(string extra, int stallPort = 0) => TestDaemon.SmtpConfig($$"""
        queue_only = true
        {{extra}}

        [[routers]]
        name = "stall"
        driver = "manualroute"
        route_list = ["stall.example 127.0.0.1"]
        transport = "to_stall"
        self = "send"                         # the stalling server shares this daemon's address

        {{DeliveryFixture.LocalDelivery}}

        [[transports]]
        name = "to_stall"
        driver = "smtp"
        port = "{{stallPort}}"
        command_timeout = "2s"
        allow_localhost = true

        [plugins.queue-runner]
        assembly = "{{RepoPaths.Plugin("queue-runner", "Exim.Plugins.QueueRunner.dll")}}"
        """);

    private static Task<(int, string)> SendAsync(TestDaemon d, string to)
        => Swaks.RunAsync("--server", $"127.0.0.1:{d.Port}", "--from", "alice@test.example", "--to", to, "--body", "queued");

    private static List<(string Kind, int Pid)> Runs(TestDaemon d)
        => [.. RunLine().Matches(d.MainLog).Select(m => (m.Groups[1].Value, int.Parse(m.Groups[2].Value)))];

    [Fact]
    public async Task PeriodicRuns_StartRunnerProcesses_ThatDeliverQueuedMessages()
    {
        await using var d = await TestDaemon.StartAsync(Config(""), null, "-q1s");
        Assert.Contains($"daemon started: pid={d.Process.Pid}, -q1s, listening for SMTP on", d.MainLog, StringComparison.Ordinal);

        var (code, output) = await SendAsync(d, "bob@test.example");
        Assert.True(code == 0, output);

        await Wait.UntilOrFailAsync(() => DeliveryFixture.Delivered(d, "bob").Length == 1, TestTimeouts.Default, () => d.MainLog);
        await d.WaitForLogAsync("=> bob <bob@test.example> R=local T=local_delivery");
        var runs = Runs(d);
        Assert.Contains(runs, r => r.Kind == "Start" && r.Pid != d.Process.Pid); // a child process ran the queue
    }

    [Fact]
    public async Task QueueRunMaxOne_RunnersNeverOverlap()
    {
        await using var stall = new ScriptedSmtpServer(ScriptedSmtpServer.Answers(mail: null));
        await using var d = await TestDaemon.StartAsync(Config("queue_run_max = 1", stall.Port), null, "-qf1s");
        var (code, output) = await SendAsync(d, "x@stall.example");
        Assert.True(code == 0, output);

        // Each forced run waits 2s on the stalling server, longer than the 1s interval: the cap must hold runs back.
        await Wait.UntilOrFailAsync(() => stall.Connections >= 2 && Runs(d).Count(r => r.Kind == "End") >= 3, TestTimeouts.Default, () => d.MainLog);
        Assert.Contains("H=127.0.0.1 [127.0.0.1]: SMTP timeout after pipelined MAIL FROM:<alice@test.example>", d.MainLog, StringComparison.Ordinal);

        var runs = Runs(d);
        for (var i = 0; i + 1 < runs.Count; i += 2)
        {
            Assert.Equal(("Start", runs[i].Pid), runs[i]);
            Assert.Equal(("End", runs[i].Pid), runs[i + 1]);
        }
    }

    [Fact]
    public async Task RunnerKilledMidRun_IsReportedWithItsSignal_MessageStaysAndLaterRunsStart()
    {
        await using var stall = new ScriptedSmtpServer(ScriptedSmtpServer.Answers(mail: null));
        await using var d = await TestDaemon.StartAsync(Config("queue_run_max = 1", stall.Port), null, "-qf1s");
        var (code, output) = await SendAsync(d, "y@stall.example");
        Assert.True(code == 0, output);
        await Wait.UntilOrFailAsync(() => stall.Connections >= 1, TestTimeouts.Default, () => d.MainLog);
        var runner = StuckRunner(d);

        Signals.Send(runner, Signals.SIGKILL);

        await d.WaitForLogAsync($"child QueueRunner runner-{runner} [-] ended abnormally: signal 9");
        await Wait.UntilOrFailAsync(() => Runs(d).Any(r => r.Kind == "Start" && r.Pid != runner), TestTimeouts.Default, () => d.MainLog);
        Assert.DoesNotContain(Runs(d), r => r.Kind == "End" && r.Pid == runner);
        Assert.Single(Directory.GetFiles(d.InputDirectory, "*-H"));
        Assert.False(d.Process.HasExited);
    }

    [Fact]
    public async Task RunnerKilledMidRun_ALaterRunDeliversTheMessageExactlyOnce()
    {
        var stalling = 1;
        var answers = ScriptedSmtpServer.Answers();
        await using var target = new ScriptedSmtpServer(c => Volatile.Read(ref stalling) == 1 && c.StartsWith("MAIL", StringComparison.OrdinalIgnoreCase) ? null : answers(c));
        await using var d = await TestDaemon.StartAsync(Config("queue_run_max = 1", target.Port), null, "-qf1s");
        var (code, output) = await SendAsync(d, "y@stall.example");
        Assert.True(code == 0, output);
        await Wait.UntilOrFailAsync(() => target.Connections >= 1, TestTimeouts.Default, () => d.MainLog);
        var runner = StuckRunner(d);

        Volatile.Write(ref stalling, 0); // the target recovers just as the stuck runner is killed
        Signals.Send(runner, Signals.SIGKILL);

        await Wait.UntilOrFailAsync(() => d.CountLog("=> y@stall.example") >= 1, TestTimeouts.Startup, () => d.MainLog);
        await Wait.UntilOrFailAsync(() => Runs(d).Count(r => r.Kind == "End") >= 2, TestTimeouts.Startup, () => d.MainLog); // a further run finds nothing
        Assert.Equal(1, d.CountLog("=> y@stall.example"));
        Assert.Equal(1, target.Commands.Count(c => c == "."));
        Assert.Empty(Directory.GetFiles(d.InputDirectory, "*-H"));
    }

    /// <summary>
    /// The runner still in its run: the one with a Start line and no End line. Runs started before the message arrived
    /// found an empty queue and have already ended, so "the first Start" may name a process that is gone.
    /// </summary>
    private static int StuckRunner(TestDaemon d)
    {
        var runs = Runs(d);
        var open = runs.Where(r => r.Kind == "Start" && !runs.Contains(("End", r.Pid))).Select(r => r.Pid).ToList();
        Assert.True(open.Count == 1, $"expected one runner in its run, found {open.Count}:\n{d.MainLog}");
        return open[0];
    }

    [GeneratedRegex(@"(Start|End) queue run: pid=(\d+)")]
    private static partial Regex RunLine();
}
