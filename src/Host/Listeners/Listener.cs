using System.Net;
using System.Net.Sockets;
using Exim.Abstractions.Daemon;
using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Listeners;

/// <summary>
/// One bound, listening socket. Closing it makes pending and later accepts return null. With smtp_backlog_monitor set,
/// each accept measures the listen queue as Exim's daemon does before accept() (the connection taken included) and
/// logs <c>listen backlog N I=[address]:port</c> when it is over the monitor value.
/// </summary>
internal sealed partial class Listener(ListenSpec spec, Socket socket, bool includesIPv4, ILogger? logger = null, AcceptGate? gate = null) : IListener
{
    private readonly TaskCompletionSource _closing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _closed;
    private volatile int _backlogMonitor;

    /// <summary>The configured address and port (port 0 stays 0 here; <see cref="EndPoint"/> has the bound port).</summary>
    public ListenSpec Spec { get; } = spec;

    public IPEndPoint EndPoint { get; } = (IPEndPoint)socket.LocalEndPoint!;

    /// <summary>Passed by systemd (socket activation): kept across every reload, closed only when the daemon stops.</summary>
    public bool Activated { get; init; }

    /// <summary>An IPv6 wildcard that also accepts IPv4 (IPV6_V6ONLY could not be set, or the IPv4 bind collided).</summary>
    public bool IncludesIPv4 { get; } = includesIPv4;

    /// <summary>The listen backlog the kernel applied (smtp_connect_backlog, capped by net.core.somaxconn), or null where unknown.</summary>
    public int? Backlog { get; } = ListenBacklog.TryRead(socket, out _, out var limit) ? limit : null;

    /// <summary>Connections waiting to be accepted now, or null where unknown.</summary>
    public int? Waiting => ListenBacklog.TryRead(socket, out var waiting, out _) ? waiting : null;

    /// <summary>smtp_backlog_monitor of the current configuration; 0 is off.</summary>
    public int BacklogMonitor
    {
        get => _backlogMonitor;
        set => _backlogMonitor = value;
    }

    public async ValueTask<Socket?> AcceptAsync(CancellationToken cancellationToken)
    {
        if (_closed) return null;
        try
        {
            var accepted = await socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            var monitor = _backlogMonitor;
            if (monitor > 0 && logger is not null && ListenBacklog.TryRead(socket, out var waiting, out _) && waiting + 1 > monitor)
            {
                var local = (IPEndPoint)accepted.LocalEndPoint!;
                var address = local.Address.IsIPv4MappedToIPv6 ? local.Address.MapToIPv4() : local.Address;
                ListenBacklogLine(logger, waiting + 1, address.ToString(), local.Port);
            }
            if (gate is not null && !gate.WhenOpen.IsCompleted && !await HeldWhilePausedAsync(gate, accepted, cancellationToken).ConfigureAwait(false)) return null;
            return accepted;
        }
        catch (ObjectDisposedException) when (_closed)
        {
            return null;
        }
        catch (SocketException) when (_closed)
        {
            return null;
        }
    }

    /// <summary>
    /// Holds a connection accepted just as accepting was paused until it resumes (the client sees no banner yet, as for one
    /// in the backlog); false, with the connection closed, when the listener closes or the loop stops first.
    /// </summary>
    private async Task<bool> HeldWhilePausedAsync(AcceptGate gate, Socket accepted, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAny(gate.WhenOpen, _closing.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            accepted.Dispose();
            throw;
        }
        if (!_closed) return true;
        accepted.Dispose();
        return false;
    }

    public void Close()
    {
        _closed = true;
        _closing.TrySetResult();
        socket.Dispose();
    }

    [LoggerMessage(EventIds.ListenBacklog, LogLevel.Information, "listen backlog {Backlog} I=[{Address}]:{Port}")]
    private static partial void ListenBacklogLine(ILogger logger, int backlog, string address, int port);
}
