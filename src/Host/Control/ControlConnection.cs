using System.Net.Sockets;
using Exim.Mail.Native;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Control;

/// <summary>
/// One connection to the control socket: the peer's credentials checked (SO_PEERCRED), one request line read within
/// <see cref="ControlProtocol.ReadTimeout"/> and at most <see cref="ControlProtocol.MaxRequestBytes"/>, one reply.
/// A <c>register</c> connection then stays open, listing its process, until the process closes it.
/// </summary>
internal sealed class ControlConnection(Socket socket, ControlAccess access, DaemonControl control, ILogger logger)
{
    /// <param name="released">Called once the connection no longer counts against the connection limit.</param>
    /// <param name="stopping">The daemon is stopping.</param>
    public async Task RunAsync(Action released, CancellationToken stopping)
    {
        using (socket)
        {
            try
            {
                var peer = Posix.PeerCredentialsOf(socket);
                if (!access.Allows(peer))
                {
                    ControlLog.Refused(logger, peer.Pid, peer.Uid, peer.Gid);
                    await SendAsync(ControlReply.Error($"permission denied: uid {peer.Uid} is not root or the Exim user"), stopping).ConfigureAwait(false);
                    await DiscardInputAsync(socket, stopping).ConfigureAwait(false); // its request may be on its way already
                    return;
                }
                var (line, problem) = await ReadRequestAsync(stopping).ConfigureAwait(false);
                if (problem is not null)
                {
                    ControlLog.BadRequest(logger, problem, peer.Pid, peer.Uid);
                    await SendAsync(ControlReply.Error(problem), stopping).ConfigureAwait(false);
                    await DiscardInputAsync(socket, stopping).ConfigureAwait(false);
                    return;
                }
                if (!ControlRequest.TryParse(line, out var request, out var error))
                {
                    await SendAsync(ControlReply.Error(error), stopping).ConfigureAwait(false);
                    return;
                }
                if (request.Name == ControlProtocol.Register)
                {
                    await RegisteredAsync(request, peer, released, stopping).ConfigureAwait(false);
                    return;
                }
                await SendAsync(await control.HandleAsync(request, peer).ConfigureAwait(false), stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                ControlLog.ConnectionEnded(logger, e.Message);
            }
            catch (Exception e)
            {
                // A bug, or the daemon past the point where it has a generation to report on: logged, never the daemon's end.
                ControlLog.RequestFailed(logger, e);
            }
            finally
            {
                released();
            }
        }
    }

    /// <summary>The request line without its LF, or why there is none.</summary>
    private async Task<(byte[] Line, string? Problem)> ReadRequestAsync(CancellationToken stopping)
    {
        var buffer = new byte[ControlProtocol.MaxRequestBytes + 1];
        var length = 0;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(ControlProtocol.ReadTimeout);
        try
        {
            while (length < buffer.Length)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, deadline.Token).ConfigureAwait(false);
                if (n == 0) return ([], "connection closed before a complete request line");
                var newline = Array.IndexOf(buffer, (byte)'\n', length, n);
                length += n;
                if (newline >= 0) return (buffer[..newline], null);
            }
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return ([], $"no request line within {ControlProtocol.ReadTimeout.TotalSeconds}s");
        }
        return ([], $"request longer than {ControlProtocol.MaxRequestBytes} bytes");
    }

    /// <summary><c>register &lt;description&gt;</c>: listed until the process closes the connection (or the daemon stops).</summary>
    private async Task RegisteredAsync(ControlRequest request, PeerCredentials peer, Action released, CancellationToken stopping)
    {
        var description = string.Join(' ', request.Arguments);
        if (description.Length == 0)
        {
            await SendAsync(ControlReply.Error("register needs a description"), stopping).ConfigureAwait(false);
            return;
        }
        var entry = new RegisteredProcess(peer.Pid, peer.Uid, description, DateTimeOffset.UtcNow);
        if (!control.Registered.TryAdd(entry))
        {
            await SendAsync(ControlReply.Error($"more than {ControlProtocol.MaxRegistrations} processes registered"), stopping).ConfigureAwait(false);
            return;
        }
        try
        {
            released(); // a registration counts against its own limit, not the request connections'
            await SendAsync(ControlReply.Ok(), stopping).ConfigureAwait(false);
            await ReadReportsAsync(stopping).ConfigureAwait(false);
        }
        finally
        {
            control.Registered.Remove(entry);
        }
    }

    /// <summary>
    /// The registered process's delivery reports (<see cref="DeliveryReport"/>), one line each, added to the daemon's
    /// metrics, until it closes the connection. A line too long or malformed is logged and dropped.
    /// </summary>
    private async Task ReadReportsAsync(CancellationToken stopping)
    {
        var buffer = new byte[DeliveryReport.MaxLineBytes];
        var length = 0;
        var skipping = false; // inside a line that was too long: dropped up to its LF
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, stopping).ConfigureAwait(false);
            if (n == 0) return;
            length += n;
            int newline;
            var start = 0;
            while ((newline = Array.IndexOf(buffer, (byte)'\n', start, length - start)) >= 0)
            {
                if (!skipping && !DeliveryReport.TryApply(buffer.AsSpan(start, newline - start), control.IsReportable)) ControlLog.BadReport(logger, "malformed");
                skipping = false;
                start = newline + 1;
            }
            Buffer.BlockCopy(buffer, start, buffer, 0, length - start);
            length -= start;
            if (length == buffer.Length)
            {
                if (!skipping) ControlLog.BadReport(logger, $"longer than {DeliveryReport.MaxLineBytes} bytes");
                skipping = true;
                length = 0;
            }
        }
    }

    /// <summary>
    /// Reads what the client is still sending (briefly, boundedly) before the close: closing a Unix socket with unread
    /// input resets the client's end, which would lose the answer it has not read yet.
    /// </summary>
    internal static async Task DiscardInputAsync(Socket socket, CancellationToken stopping)
    {
        socket.Shutdown(SocketShutdown.Send);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(TimeSpan.FromSeconds(1));
        var sink = new byte[4096];
        for (var total = 0; total < 64 * 1024;)
        {
            var n = await socket.ReceiveAsync(sink, SocketFlags.None, deadline.Token).ConfigureAwait(false);
            if (n == 0) return;
            total += n;
        }
    }

    private async Task SendAsync(byte[] reply, CancellationToken stopping)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(ControlProtocol.WriteTimeout);
        await socket.SendAsync(reply, SocketFlags.None, deadline.Token).ConfigureAwait(false);
    }
}
