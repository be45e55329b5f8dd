using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Control;

/// <summary>
/// The daemon's control socket: a Unix stream socket at <c>notifier_socket</c>, mode 0600 and owned by the user the
/// daemon runs as (a second fence besides SO_PEERCRED), serving at most <see cref="ControlProtocol.MaxConnections"/>
/// request connections at once. A stale socket left by a daemon that died is replaced; one a live daemon answers on is
/// left alone (this one then has none), as is any file that is not a socket. Removed when the daemon stops.
/// </summary>
internal sealed class ControlServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly string _path;
    private readonly ControlAccess _access;
    private readonly DaemonControl _control;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots = new(ControlProtocol.MaxConnections, ControlProtocol.MaxConnections);
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private ControlServer(Socket listener, string path, ControlAccess access, DaemonControl control, ILogger logger)
    {
        (_listener, _path, _access, _control, _logger) = (listener, path, access, control, logger);
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Binds and starts serving; null (logged to the main and panic logs, as Exim logs it) when the socket cannot be made.</summary>
    public static ControlServer? TryStart(string path, ControlAccess access, DaemonControl control, ILogger logger)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(path) > ControlSocketPath.MaxLength)
        {
            ControlLog.SocketFailed(logger, "bind", $"{path}: longer than {ControlSocketPath.MaxLength} bytes");
            return null;
        }
        try
        {
            // Connecting needs write permission: under the usual umask only the owner has it even before the chmod.
            var socket = Listeners.UnixSocketFile.Listen(path, UnixFileMode.UserRead | UnixFileMode.UserWrite, ControlProtocol.MaxConnections);
            return new ControlServer(socket, path, access, control, logger);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            ControlLog.SocketFailed(logger, "bind", $"{path}: {e.Message}");
            return null;
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                ControlLog.ConnectionEnded(_logger, e.Message);
                await Task.Delay(100).ConfigureAwait(false); // EMFILE and the like: do not spin
                continue;
            }
            if (!_slots.Wait(0))
            {
                Track(BusyAsync(accepted));
                continue;
            }
            var released = 0;
            var connection = new ControlConnection(accepted, _access, _control, _logger);
            Track(connection.RunAsync(() =>
            {
                if (Interlocked.Exchange(ref released, 1) == 0) _slots.Release();
            }, _stop.Token));
        }
    }

    /// <summary>Over the connection limit: a one-line answer, never more than the write timeout.</summary>
    private static async Task BusyAsync(Socket socket)
    {
        using (socket)
        {
            using var deadline = new CancellationTokenSource(ControlProtocol.WriteTimeout);
            try
            {
                await socket.SendAsync(ControlReply.Error($"busy: {ControlProtocol.MaxConnections} control connections are open"), SocketFlags.None, deadline.Token).ConfigureAwait(false);
                await ControlConnection.DiscardInputAsync(socket, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                // The client is gone.
            }
        }
    }

    private void Track(Task task)
    {
        if (task.IsCompleted) return;
        _connections.TryAdd(task, 0);
        _ = task.ContinueWith(static (t, self) => ((ConcurrentDictionary<Task, byte>)self!).TryRemove(t, out _), _connections,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        var ended = true;
        try
        {
            await Task.WhenAll([_loop, .. _connections.Keys]).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            ended = false; // a connection stuck in a write: its socket goes with the process
        }
        try { File.Delete(_path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { ControlLog.ConnectionEnded(_logger, e.Message); }
        if (!ended) return; // a connection still running may yet use the token and the slots: leave them to the collector
        _stop.Dispose();
        _slots.Dispose();
    }
}
