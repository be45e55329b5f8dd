using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Exim.Host.Log;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Systemd;

/// <summary>
/// Tells systemd (a <c>Type=notify</c> or <c>Type=notify-reload</c> service) how the daemon is doing: <c>READY=1</c> once it
/// listens, <c>RELOADING=1</c> and <c>READY=1</c> around each reload, <c>STOPPING=1</c>, <c>STATUS=</c> lines and the
/// watchdog's <c>WATCHDOG=1</c>. The datagrams go through Microsoft.Extensions.Hosting.Systemd's <see cref="SystemdNotifier"/>
/// (NOTIFY_SOCKET, abstract "@" names included), used on its own without the generic host.
/// </summary>
internal sealed partial class SystemdNotify
{
    private readonly ISystemdNotifier _notifier;
    private readonly ILogger _logger;

    private SystemdNotify(ISystemdNotifier notifier, TimeSpan? watchdog, ILogger logger)
    {
        _notifier = notifier;
        WatchdogInterval = watchdog;
        _logger = logger;
    }

    /// <summary>WATCHDOG_USEC when systemd set it for this process (WATCHDOG_PID unset or ours), else null.</summary>
    public TimeSpan? WatchdogInterval { get; }

    /// <summary>
    /// The notifier NOTIFY_SOCKET names, or null when the daemon does not run under systemd's notify protocol. The
    /// variables are taken out of the environment, so the queue runners and deliveries the daemon starts do not inherit them.
    /// </summary>
    public static SystemdNotify? FromEnvironment(ILogger logger)
    {
        var notifier = new SystemdNotifier();
        var watchdog = ReadWatchdog(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), Environment.GetEnvironmentVariable("WATCHDOG_PID"), Environment.ProcessId);
        foreach (var name in (string[])["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"]) Environment.SetEnvironmentVariable(name, null);
        return notifier.IsEnabled ? new SystemdNotify(notifier, watchdog, logger) : null;
    }

    /// <summary>sd_watchdog_enabled(3): the interval, when set and meant for <paramref name="pid"/>.</summary>
    internal static TimeSpan? ReadWatchdog(string? usec, string? watchdogPid, int pid)
    {
        if (!ulong.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var micro) || micro == 0) return null;
        if (watchdogPid is not null && (!int.TryParse(watchdogPid, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p != pid)) return null;
        return TimeSpan.FromMicroseconds(micro);
    }

    public void Ready(string status) => Send($"READY=1\nSTATUS={status}");

    /// <summary>RELOADING=1 with the CLOCK_MONOTONIC time (systemd 253's Type=notify-reload wants it, to match it to its SIGHUP).</summary>
    public void Reloading() => Send($"RELOADING=1\nMONOTONIC_USEC={MonotonicMicroseconds()}");

    public void Stopping(string status) => Send($"STOPPING=1\nSTATUS={status}");

    public void Status(string status) => Send("STATUS=" + status);

    public void Watchdog() => Send("WATCHDOG=1");

    /// <summary>CLOCK_MONOTONIC in microseconds: .NET's Stopwatch reads that clock on Linux.</summary>
    internal static long MonotonicMicroseconds() => Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000);

    private void Send(string state)
    {
        try
        {
            _notifier.Notify(new ServiceState(state));
        }
        catch (SocketException e)
        {
            NotifyFailed(_logger, state.Split('\n')[0], e.Message);
        }
    }

    [LoggerMessage(EventIds.SystemdNotify, LogLevel.Warning, "systemd notification {State} failed: {Error}")]
    private static partial void NotifyFailed(ILogger logger, string state, string error);
}
