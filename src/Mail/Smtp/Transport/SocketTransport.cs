using System.Net.Sockets;

namespace Exim.Mail.Smtp.Transport;

/// <summary>
/// A session's transport on a connected socket, which it owns. Replies go out with a non-blocking send() first: SMTP
/// replies nearly always fit the socket's send buffer, and a socket that has only ever sent that way never creates the
/// send operation it would otherwise cache for its lifetime (about 400 bytes of every idle session); only what the kernel
/// does not take at once waits asynchronously.
/// </summary>
internal sealed class SocketTransport : ISmtpTransport
{
    private readonly Socket _socket;

    public SocketTransport(Socket socket)
    {
        _socket = socket;
        try { _socket.Blocking = false; } // send() says WouldBlock rather than blocking a thread; async operations are unaffected
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { } // gone already: the first read will say so
    }

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        => _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (data.IsEmpty || _socket.Blocking) return SendRestAsync(data, cancellationToken);
        var sent = _socket.Send(data.Span, SocketFlags.None, out var error);
        if (error is not (SocketError.Success or SocketError.WouldBlock)) throw new SocketException((int)error);
        return sent == data.Length ? ValueTask.CompletedTask : SendRestAsync(data[sent..], cancellationToken);
    }

    private async ValueTask SendRestAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var sent = await _socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    public bool DataAvailable
    {
        get
        {
            try { return _socket.Available > 0; }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { return false; }
        }
    }

    public void Shutdown()
    {
        try { _socket.Shutdown(SocketShutdown.Both); }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
    }

    public void Dispose() => _socket.Dispose();
}
