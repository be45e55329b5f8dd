using System.Net.Sockets;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// An SMTP dialogue on stdin and stdout carried over a socket (-bh's socket pair, -bs's submission socket): stdin goes
/// to the socket, its sending side shut at the end of input as a client closing would; what comes back goes to stdout,
/// flushed as it arrives.
/// </summary>
internal static class StdioPump
{
    /// <summary>Pumps both ways until the other end closes; the rest of stdin is then not wanted.</summary>
    public static async Task RunAsync(Stream input, Stream output, Socket socket)
    {
        using var stdinDone = new CancellationTokenSource();
        var toSocket = PumpInputAsync(input, socket, stdinDone.Token);
        await PumpOutputAsync(socket, output).ConfigureAwait(false);
        await stdinDone.CancelAsync().ConfigureAwait(false);
        await toSocket.ConfigureAwait(false);
    }

    /// <summary>
    /// The two ends of a session in this process (-bh, -bs without a daemon): a Unix socket pair, which no other process
    /// can connect to (a loopback TCP pair's port could be reached first by another local user, who would get the
    /// session, trusted).
    /// </summary>
    public static (Socket Server, Socket Client) SocketPair() => Mail.Native.Posix.SocketPair();

    /// <summary>stdin to the session; at end of input the sending side is shut, as a client closing would.</summary>
    public static async Task PumpInputAsync(Stream input, Socket client, CancellationToken done)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await input.ReadAsync(buffer, done).ConfigureAwait(false)) > 0)
            {
                await client.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, done).ConfigureAwait(false);
            }
            client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
            // The session ended first (QUIT, a refusal): the rest of the input is not wanted.
        }
    }

    public static async Task PumpOutputAsync(Socket client, Stream output)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await client.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false)) > 0)
            {
                await output.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
                await output.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }
}
