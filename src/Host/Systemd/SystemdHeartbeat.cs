using Exim.Abstractions.Diagnostics;

namespace Exim.Host.Systemd;

/// <summary>
/// While the daemon runs: every few seconds a <c>STATUS=</c> line when its text changed (sessions active, messages in
/// queue, from the metrics snapshot), and with a watchdog <c>WATCHDOG=1</c> at half its interval, but only while the daemon
/// loop is running, so that a daemon whose loop has died or hangs is restarted by systemd.
/// </summary>
internal sealed class SystemdHeartbeat(SystemdNotify notify, Func<bool> healthy)
{
    /// <summary>The longest time between two STATUS= updates.</summary>
    public static readonly TimeSpan StatusPeriod = TimeSpan.FromSeconds(5);

    public TimeSpan Period => notify.WatchdogInterval is { } w && w / 2 < StatusPeriod ? w / 2 : StatusPeriod;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Period);
        var last = "";
        try
        {
            do
            {
                if (notify.WatchdogInterval is not null && healthy()) notify.Watchdog();
                var status = Describe(EximMetrics.Snapshot());
                if (status != last) notify.Status(last = status);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The STATUS= text: <c>2 sessions active, 15 messages in queue</c> (every queue counted).</summary>
    internal static string Describe(MetricsSnapshot figures)
    {
        var queued = figures.Queues.Sum(q => q.Messages);
        return $"{figures.SessionsActive} session{(figures.SessionsActive == 1 ? "" : "s")} active, {queued} message{(queued == 1 ? "" : "s")} in queue";
    }
}
