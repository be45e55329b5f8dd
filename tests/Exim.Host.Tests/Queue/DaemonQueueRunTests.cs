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
        // Runners come and go: at least three reaped within a few seconds (the 1s queue, and bulk once).
        await Wait.UntilOrFailAsync(() => d.MainLog.Split('\n').Count(l => l.Contains("child QueueRunner runner-", StringComparison.Ordinal)) >= 3,
            TestTimeouts.Startup, () => d.MainLog);
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
