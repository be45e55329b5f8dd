using System.Net.Sockets;
using Exim.Mail.Native;

namespace Exim.Host.Listeners;

/// <summary>
/// A listening Unix socket at a path (the control socket, a configured submission socket): a socket file left by a
/// daemon that is gone is replaced; one a live daemon answers on, and anything that is not a socket (a regular file, a
/// directory), is left alone and the bind refused, so a misconfigured path never deletes an operator's file.
/// </summary>
internal static class UnixSocketFile
{
    /// <summary>Binds <paramref name="path"/>, sets its mode, and listens; throws on failure (the stale check's reason as the IOException's message).</summary>
    public static Socket Listen(string path, UnixFileMode mode, int backlog)
    {
        if (RemoveStale(path) is { } why) throw new IOException(why);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            File.SetUnixFileMode(path, mode);
            socket.Listen(backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Removes a socket no daemon answers on; null when the path is free now, else why it is not (in use, or not a socket).</summary>
    public static string? RemoveStale(string path)
    {
        if (!Path.Exists(path) && new FileInfo(path).LinkTarget is null) return null;
        if (!Posix.IsSocket(path)) return "exists and is not a socket";
        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                return "another daemon is answering on it";
            }
            catch (SocketException)
            {
                // Nobody listens: a leftover of a daemon that did not stop cleanly.
            }
        }
        File.Delete(path);
        return null;
    }
}
