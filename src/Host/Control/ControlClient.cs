using System.Net.Sockets;
using System.Text;

namespace Exim.Host.Control;

/// <summary>The client side of the control socket: one request line, one reply line.</summary>
internal static class ControlClient
{
    /// <summary>Connects to <paramref name="path"/>; throws <see cref="SocketException"/> when no daemon answers there.</summary>
    public static async Task<Socket> ConnectAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="request"/> and reads the daemon's one-line reply (without its LF).</summary>
    public static async Task<string> RequestAsync(Socket socket, string request, CancellationToken cancellationToken)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes(request + "\n"), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        using var reply = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (reply.Length < 64 * 1024 * 1024)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            var newline = Array.IndexOf(buffer, (byte)'\n', 0, n);
            reply.Write(buffer, 0, newline >= 0 ? newline : n);
            if (newline >= 0) break;
        }
        return Encoding.UTF8.GetString(reply.GetBuffer(), 0, (int)reply.Length);
    }

    /// <summary>One request on a connection of its own, within <paramref name="timeout"/>.</summary>
    public static async Task<string> SendAsync(string path, string request, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        using var socket = await ConnectAsync(path, deadline.Token).ConfigureAwait(false);
        return await RequestAsync(socket, request, deadline.Token).ConfigureAwait(false);
    }
}
