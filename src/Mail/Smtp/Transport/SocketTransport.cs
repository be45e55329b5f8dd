using System.Net.Sockets;

namespace Exim.Mail.Smtp.Transport;

/// <summary>A session's transport on a connected socket, which it owns.</summary>
internal sealed class SocketTransport(Socket socket) : ISmtpTransport
{
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        => socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    public bool DataAvailable
    {
        get
        {
            try { return socket.Available > 0; }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { return false; }
        }
    }

    public void Shutdown()
    {
        try { socket.Shutdown(SocketShutdown.Both); }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
    }

    public void Dispose() => socket.Dispose();
}
