using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Exim.Mail.Native;

internal static partial class Posix
{
    private const int AfUnix = 1;
    private const int SockStream = 1;
    private const int SockCloexec = 0x80000;

    /// <summary>
    /// A connected pair of Unix stream sockets (socketpair(2)): no address, so no other process can connect to either end,
    /// unlike a loopback TCP pair whose listening port anyone could reach first.
    /// </summary>
    public static (Socket A, Socket B) SocketPair()
    {
        Span<int> fds = stackalloc int[2];
        if (SocketPairNative(AfUnix, SockStream | SockCloexec, 0, fds) != 0) throw Failed("socketpair");
        var a = new SafeSocketHandle(fds[0], ownsHandle: true);
        var b = new SafeSocketHandle(fds[1], ownsHandle: true);
        try
        {
            return (new Socket(a), new Socket(b));
        }
        catch
        {
            a.Dispose();
            b.Dispose();
            throw;
        }
    }

    [LibraryImport("libc", EntryPoint = "socketpair", SetLastError = true)]
    private static partial int SocketPairNative(int domain, int type, int protocol, Span<int> fds);
}
