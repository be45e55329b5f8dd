using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Exim.Mail.Native;

namespace Exim.Host.Systemd;

/// <summary>
/// sd_listen_fds(3): the listening sockets systemd passed (a socket unit), as descriptors 3, 4, ... with LISTEN_PID naming
/// this process and LISTEN_FDS their count (LISTEN_FDNAMES their names, for the log). The variables are removed from the
/// environment whatever they say, and every passed descriptor gets FD_CLOEXEC, so the queue runners and deliveries the
/// daemon starts inherit neither.
/// </summary>
internal static class ActivatedSockets
{
    private const int FirstFd = 3;

    /// <summary>One passed socket and its name from LISTEN_FDNAMES (systemd's default is the socket unit's name).</summary>
    internal readonly record struct Activated(Socket Socket, string Name);

    /// <returns>The passed sockets (none without socket activation), or an error naming a descriptor that is not a listening TCP socket.</returns>
    public static (IReadOnlyList<Activated> Sockets, string? Error) Take()
    {
        var pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        var count = Environment.GetEnvironmentVariable("LISTEN_FDS");
        var names = Environment.GetEnvironmentVariable("LISTEN_FDNAMES")?.Split(':') ?? [];
        foreach (var name in (string[])["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"]) Environment.SetEnvironmentVariable(name, null);
        if (count is null || pid is null) return ([], null);
        if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var listenPid) || listenPid != Environment.ProcessId) return ([], null);
        if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 1024)
        {
            return ([], $"socket activation: LISTEN_FDS=\"{count}\" is not a number of descriptors");
        }

        var sockets = new List<Activated>();
        for (var fd = FirstFd; fd < FirstFd + n; fd++)
        {
            var name = fd - FirstFd < names.Length ? names[fd - FirstFd] : "unknown";
            var errno = Posix.SetCloseOnExec(fd);
            string? problem = null;
            if (errno != 0) problem = $"fcntl failed: errno {errno}";
            else
            {
                try
                {
                    var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
                    if (socket.SocketType != SocketType.Stream || socket.LocalEndPoint is not IPEndPoint
                        || socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.AcceptConnection) is not int accepting || accepting == 0)
                    {
                        problem = $"it is a {socket.AddressFamily} {socket.SocketType} socket, not a listening TCP socket (ListenStream= in the socket unit)";
                        socket.Dispose();
                    }
                    else sockets.Add(new Activated(socket, name));
                }
                catch (SocketException e)
                {
                    problem = e.Message;
                }
            }
            if (problem is not null)
            {
                foreach (var s in sockets) s.Socket.Dispose();
                return ([], $"socket activation: descriptor {fd} ({name}) passed by systemd cannot be used: {problem}");
            }
        }
        return (sockets, null);
    }
}
