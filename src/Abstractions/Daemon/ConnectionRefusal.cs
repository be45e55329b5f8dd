using System.Net.Sockets;
using System.Text;

namespace Exim.Abstractions.Daemon;

/// <summary>Ends a connection that is not going to get a session: one reply line, then close.</summary>
public static class ConnectionRefusal
{
    /// <summary>
    /// Sends <paramref name="reply"/> (e.g. <c>421 host Service not available - closing connection</c>) with CRLF, shuts
    /// the socket down and disposes it. Bounded by five seconds; a client that has gone or does not read is simply dropped.
    /// </summary>
    /// <param name="socket">The accepted socket; it is disposed.</param>
    /// <param name="reply">The reply line, without its line ending.</param>
    public static async Task RefuseAsync(Socket socket, string reply)
    {
        ArgumentNullException.ThrowIfNull(socket);
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.SendAsync(Encoding.ASCII.GetBytes(reply + "\r\n"), SocketFlags.None, cts.Token).ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client is gone or not reading.
        }
        finally
        {
            socket.Dispose();
        }
    }
}
