using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Exim.Abstractions.Config;
using Exim.Host.Configuration.Values;
using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Listeners;

/// <summary>
/// The daemon's listening sockets, owned by the core across generations. A reload binds only the endpoints it
/// adds and closes only those it removes, so an unchanged port is never closed (Exim closes everything and
/// re-execs; connections meanwhile get RST). A new endpoint that cannot be bound rejects the reload.
/// The backlog the kernel really gave each new socket is read back: when net.core.somaxconn cut smtp_connect_backlog
/// down, that is logged, since an operator sizing the backlog for a busy day would otherwise never know.
/// </summary>
internal sealed partial class ListenerSet(ILogger<ListenerSet> logger) : IDisposable
{
    private ImmutableArray<Listener> _current = [];
    private ImmutableArray<Listener> _adopted = [];

    public ImmutableArray<Listener> Current => _current;

    /// <summary>
    /// Takes the sockets systemd passed (socket activation) as listeners for the daemon's whole life: a configured endpoint
    /// with the same address and port uses its socket instead of binding one, and one the configuration does not name is
    /// listened on as it is. No reload closes them (systemd holds them open too, so a closed one would leave its clients
    /// waiting in the backlog); they close when the daemon stops.
    /// </summary>
    /// <returns>The listeners, in the order of <paramref name="sockets"/>.</returns>
    public ImmutableArray<Listener> Adopt(IEnumerable<System.Net.Sockets.Socket> sockets, MainOptions main)
    {
        var adopted = new List<Listener>();
        foreach (var socket in sockets)
        {
            var local = (IPEndPoint)socket.LocalEndPoint!;
            var spec = new ListenSpec(local.Address, local.Port);
            if (main.TcpNodelay) socket.NoDelay = true;
            // An IPv6 wildcard systemd bound without IPV6_V6ONLY (BindIPv6Only=both, or the default) takes IPv4 too.
            var includesV4 = spec.IsIPv6 && spec.IsWildcard && socket.DualMode;
            adopted.Add(new Listener(spec, socket, includesV4, logger, Gate) { Activated = true });
        }
        _adopted = [.. adopted];
        return _adopted;
    }

    /// <summary>Pauses and resumes accepting on every listener of the set, current and future.</summary>
    public AcceptGate Gate { get; } = new();

    /// <summary>Binds every spec. At start-up failing binds are retried (daemon_startup_retries × daemon_startup_sleep).</summary>
    /// <returns>The new set (kept listeners plus new ones, in spec order), or null with <paramref name="error"/> set.</returns>
    public async Task<(ImmutableArray<Listener> Listeners, string? Error)> PrepareAsync(ImmutableArray<ListenSpec> specs, MainOptions main, bool retry, CancellationToken cancellationToken)
    {
        var kept = _current.ToDictionary(l => l.Spec);
        var result = new List<Listener>();
        var opened = new List<Listener>();
        for (var i = 0; i < specs.Length; i++)
        {
            var spec = specs[i];
            if ((kept.GetValueOrDefault(spec) ?? _adopted.FirstOrDefault(a => a.Spec == spec)) is { } existing)
            {
                if (!result.Contains(existing)) result.Add(existing);
                continue;
            }
            // An IPv4 wildcard whose port the IPv6 wildcard already covers (no V6ONLY) is folded into it.
            if (spec.Address.Equals(IPAddress.Any) && result.Count > 0 && result[^1] is { IncludesIPv4: true } prev && prev.Spec.Port == spec.Port) continue;
            if (spec.Address.Equals(IPAddress.Any) && _adopted.Any(a => a.IncludesIPv4 && a.Spec.Port == spec.Port)) continue;

            var (listener, error, skip) = await BindWithRetriesAsync(spec, NextIsV4Wildcard(specs, i), main, retry, cancellationToken).ConfigureAwait(false);
            if (skip) continue;
            if (listener is null)
            {
                foreach (var l in opened) l.Close();
                return ([], error);
            }
            opened.Add(listener);
            result.Add(listener);
        }
        foreach (var a in _adopted.Where(a => !result.Contains(a))) result.Add(a); // not configured: listened on as it is
        var capped = opened.Where(l => l.Backlog < main.SmtpConnectBacklog).ToList();
        if (capped.Count > 0)
        {
            BacklogCapped(logger, main.SmtpConnectBacklog, capped[0].Backlog!.Value, ListenerDescription.Describe([.. capped]));
        }
        return ([.. result], null);
    }

    /// <summary>Makes <paramref name="listeners"/> current, with the configuration's smtp_backlog_monitor, and closes the ones it no longer contains.</summary>
    public void Commit(ImmutableArray<Listener> listeners, int backlogMonitor = 0)
    {
        foreach (var l in listeners) l.BacklogMonitor = backlogMonitor;
        var previous = ImmutableInterlocked.InterlockedExchange(ref _current, listeners);
        foreach (var old in previous.Where(p => !listeners.Contains(p) && !p.Activated)) old.Close();
    }

    /// <summary>Closes listeners a rejected reload had opened.</summary>
    public void Abort(ImmutableArray<Listener> listeners)
    {
        foreach (var l in listeners.Where(l => !_current.Contains(l) && !l.Activated)) l.Close();
    }

    public void Dispose()
    {
        foreach (var l in ImmutableInterlocked.InterlockedExchange(ref _current, []).Union(_adopted)) l.Close();
    }

    /// <summary>Why a reload cannot add a port below 1024 once the daemon has given up root (README, "Privileges").</summary>
    private static string PrivilegedPortAfterDrop =>
        $"ports below 1024 need root, and the daemon runs as uid {Exim.Mail.Native.Posix.EffectiveUid} since it gave root up after binding its ports at start-up (exim_user): restart it to listen on a new one";

    private static bool NeedsRoot(ListenSpec spec, SocketException e) =>
        e.SocketErrorCode == SocketError.AccessDenied && spec.Port is > 0 and < 1024 && Exim.Mail.Native.Posix.EffectiveUid != 0;

    private static bool NextIsV4Wildcard(ImmutableArray<ListenSpec> specs, int i)
        => specs[i].Address.Equals(IPAddress.IPv6Any) && i + 1 < specs.Length && specs[i + 1].Address.Equals(IPAddress.Any) && specs[i + 1].Port == specs[i].Port;

    private async Task<(Listener? Listener, string? Error, bool Skip)> BindWithRetriesAsync(ListenSpec spec, bool v4WildcardFollows, MainOptions main, bool retry, CancellationToken cancellationToken)
    {
        var triesLeft = retry ? main.DaemonStartupRetries : 0;
        while (true)
        {
            Socket socket;
            try
            {
                socket = new Socket(spec.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            }
            catch (SocketException e) when (spec.IsIPv6 && spec.IsWildcard && v4WildcardFollows)
            {
                Ipv6Unavailable(logger, e.Message);
                return (null, null, true);
            }
            catch (SocketException e)
            {
                var message = $"IPv{(spec.IsIPv6 ? 6 : 4)} socket creation failed: {e.Message}";
                PanicLine(logger, message);
                return (null, message, false);
            }

            var includesV4 = false;
            try
            {
                if (spec.IsIPv6 && spec.IsWildcard)
                {
                    try { socket.DualMode = false; }
                    catch (SocketException e)
                    {
                        V6OnlyFailed(logger, e.Message);
                        includesV4 = true;
                    }
                }
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                if (main.TcpNodelay) socket.NoDelay = true;
                socket.Bind(new IPEndPoint(spec.Address, spec.Port));
                socket.Listen(main.SmtpConnectBacklog);
                return (new Listener(spec, socket, includesV4, logger, Gate), null, false);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                var what = spec.IsWildcard ? (spec.IsIPv6 ? "(any IPv6)" : "(any IPv4)") : spec.Address.ToString();
                BindFailed(logger, spec.Address.ToString(), spec.Port);
                if (triesLeft <= 0)
                {
                    var message = $"socket bind() to port {spec.Port} for address {what} failed: {e.Message}: "
                        + (NeedsRoot(spec, e) ? PrivilegedPortAfterDrop : "daemon abandoned");
                    if (retry) PanicLine(logger, message);
                    return (null, message, false);
                }
                BindRetry(logger, spec.Port, what, e.Message, EximTime.Format(main.DaemonStartupSleep), triesLeft, triesLeft == 1 ? "try" : "tries");
                triesLeft--;
                await Task.Delay(main.DaemonStartupSleep, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventIds.ListenBacklogCapped, LogLevel.Warning, "smtp_connect_backlog = {Configured} is more than the kernel allows: the listen backlog is {Effective} (net.core.somaxconn) for {Listeners}")]
    private static partial void BacklogCapped(ILogger logger, int configured, int effective, string listeners);

    [LoggerMessage(EventIds.ListenerBindRetry, LogLevel.Information, "socket bind() to port {Port} for address {Address} failed: {Error}: waiting {Sleep} before trying again ({Tries} more {Word})")]
    private static partial void BindRetry(ILogger logger, int port, string address, string error, string sleep, int tries, string word);

    [LoggerMessage(EventIds.ListenerBindFailed, LogLevel.Information, "bind of [{Address}]:{Port} failed")]
    private static partial void BindFailed(ILogger logger, string address, int port);

    [LoggerMessage(EventIds.ListenerFatal, LogLevel.Critical, "{Message}")]
    private static partial void PanicLine(ILogger logger, string message);

    [LoggerMessage(EventIds.ListenerIpv6, LogLevel.Information, "Failed to create IPv6 socket for wildcard listening ({Error}): will use IPv4")]
    private static partial void Ipv6Unavailable(ILogger logger, string error);

    [LoggerMessage(EventIds.ListenerIpv6, LogLevel.Information, "Setting IPV6_V6ONLY on daemon's IPv6 wildcard socket failed ({Error}): carrying on without it")]
    private static partial void V6OnlyFailed(ILogger logger, string error);
}
