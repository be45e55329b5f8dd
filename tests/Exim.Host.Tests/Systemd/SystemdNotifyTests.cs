using System.Diagnostics;
using System.Globalization;
using Exim.TestKit;

namespace Exim.Host.Tests.Systemd;

/// <summary>
/// <c>exim -bd</c> as a Type=notify service: the test binds the notify socket systemd would, and reads what the daemon tells it.
/// </summary>
public sealed class SystemdNotifyTests
{
    [Fact]
    public async Task Daemon_NotifiesReady_ReloadingAroundSighup_Status_Watchdog_AndStopping()
    {
        using var dir = new TempDirectory("exim-notify");
        await using var notify = new NotifySocket(dir.Combine("notify"));
        await using var d = TestDaemon.Launch(TestDaemon.SmtpConfig(), dir, null,
            new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = notify.Path, ["WATCHDOG_USEC"] = "1000000" }, null);

        var (ready, readyText) = await notify.WaitForAsync(m => m.StartsWith("READY=1\n", StringComparison.Ordinal), timeout: TestTimeouts.Startup);
        Assert.Contains("\nSTATUS=0 sessions active, 0 messages in queue", readyText, StringComparison.Ordinal);
        // READY=1 means listening: the port answers at once.
        var (c, greeting) = await SmtpTestClient.OpenAsync(d.Port);
        await using (var client = c)
        {
            Assert.StartsWith("220 ", greeting, StringComparison.Ordinal);
            await client.CommandAsync("EHLO client.example");
            Assert.StartsWith("250 OK id=", await client.SendMessageAsync("a@client.example", "b@test.example", "Subject: s\n\nbody"), StringComparison.Ordinal);
            // STATUS= follows the sessions and the queue (from the metrics snapshot, read every few seconds).
            await notify.WaitForAsync(m => m == "STATUS=1 session active, 1 message in queue", ready);
            await client.CommandAsync("QUIT");
        }
        await notify.WaitForAsync(m => m == "STATUS=0 sessions active, 1 message in queue", ready);

        // WATCHDOG_USEC=1s: WATCHDOG=1 every half second.
        var (firstPing, _) = await notify.WaitForAsync(m => m == "WATCHDOG=1", ready);
        await notify.WaitForAsync(m => m == "WATCHDOG=1", firstPing + 1, TimeSpan.FromSeconds(5));

        // A reload: RELOADING=1 with a CLOCK_MONOTONIC time taken after the signal, then READY=1 once it is in force.
        var before = MonotonicMicroseconds();
        var sent = notify.Messages.Count;
        d.Process.Signal(Signals.SIGHUP);
        var (reloading, reloadingText) = await notify.WaitForAsync(m => m.StartsWith("RELOADING=1\n", StringComparison.Ordinal), sent);
        var after = MonotonicMicroseconds();
        var monotonic = long.Parse(reloadingText.Split('\n').Single(l => l.StartsWith("MONOTONIC_USEC=", StringComparison.Ordinal))["MONOTONIC_USEC=".Length..], CultureInfo.InvariantCulture);
        Assert.InRange(monotonic, before, after);
        var (readyAgain, _) = await notify.WaitForAsync(m => m.StartsWith("READY=1\n", StringComparison.Ordinal), reloading + 1);
        // The main log is written by its own writer, which may come a moment after the notification.
        await d.WaitForLogAsync("configuration reloaded (SIGHUP): generation 1 -> 2");

        d.Process.Signal(Signals.SIGTERM);
        await notify.WaitForAsync(m => m.StartsWith("STOPPING=1\n", StringComparison.Ordinal), readyAgain + 1);
        Assert.Equal(0, await d.Process.WaitForExitAsync(TestTimeouts.Default));
    }

    [Fact]
    public async Task AbstractNotifySocket_GetsReadyAndStopping_AndNoWatchdogWithoutWatchdogUsec()
    {
        await using var notify = new NotifySocket("@exim-test-notify-" + Guid.NewGuid().ToString("N"));
        await using var d = TestDaemon.Launch(TestDaemon.SmtpConfig(), null, null, new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = notify.Path }, null);

        var (ready, _) = await notify.WaitForAsync(m => m.StartsWith("READY=1\n", StringComparison.Ordinal), timeout: TestTimeouts.Startup);
        d.Process.Signal(Signals.SIGTERM);
        await notify.WaitForAsync(m => m.StartsWith("STOPPING=1\n", StringComparison.Ordinal), ready + 1);
        Assert.Equal(0, await d.Process.WaitForExitAsync(TestTimeouts.Default));
        Assert.DoesNotContain("WATCHDOG=1", notify.Messages);
    }

    /// <summary>CLOCK_MONOTONIC, as systemd and the daemon read it (Stopwatch's clock on Linux).</summary>
    private static long MonotonicMicroseconds() => Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000);
}
