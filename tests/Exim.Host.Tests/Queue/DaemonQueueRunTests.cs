using Exim.TestKit;

namespace Exim.Host.Tests.Queue;

/// <summary><c>exim -bd -q&lt;time&gt;</c>: runner processes started on schedule by the queue-runner plugin, reaped and reported.</summary>
public sealed class DaemonQueueRunTests
{
    private static string QueueRunnerPlugin => $"""

        [plugins.queue-runner]
        assembly = "{RepoPaths.Plugin("queue-runner", "Exim.Plugins.QueueRunner.dll")}"
        """;

    [Fact]
    public async Task PeriodicRuns_StartRunnerProcesses_WhoseExitsAreReaped()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig() + QueueRunnerPlugin, null, "-q1s", "-qqGbulk/1h");

        await d.WaitForLogAsync("daemon started: pid=");
        Assert.Contains($"daemon started: pid={d.Process.Pid}, -q1s -qqGbulk/1h, listening for SMTP on", d.MainLog, StringComparison.Ordinal);
        // Runners come and go: at least three complete runs within a few seconds (the 1s queue, and bulk once), each
        // a process of its own that logs its start and end with its pid.
        await Wait.UntilOrFailAsync(() => d.CountLog("End queue run: pid=") >= 3, TestTimeouts.Startup, () => d.MainLog);
        var pids = System.Text.RegularExpressions.Regex.Matches(d.MainLog, @"End queue run: pid=(\d+)").Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(pids.Count, pids.Distinct().Count());
        Assert.DoesNotContain(d.Process.Pid, pids);
        Assert.DoesNotContain("ended abnormally", d.MainLog, StringComparison.Ordinal);
        // Runners log their own work only: the configuration lines in the main log are the daemon's.
        Assert.Equal(1, d.CountLog("generation 1 started from"));
    }

    [Fact]
    public async Task PeriodicRuns_WithoutTheSchedulerPlugin_AreAStartUpError()
    {
        using var dir = new TempDirectory("exim-qrun");
        var config = dir.Write("exim.toml", TestDaemon.SmtpConfig());

        var (code, _, stderr) = await EximProcess.RunAsync(dir.Path, "-C", config, "-bd", "-q30m");

        Assert.Equal(1, code);
        Assert.Contains("exim: -q30m: periodic queue runs need a plugin that registers IQueueRunScheduler \"queue\"", stderr, StringComparison.Ordinal);
    }
}
