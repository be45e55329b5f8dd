using System.Runtime.InteropServices;

namespace Exim.Mail.Native;

internal static partial class Posix
{
    private const int FGetFd = 1;
    private const int FSetFd = 2;
    private const int FdCloExec = 1;

    /// <summary>
    /// Sets FD_CLOEXEC on <paramref name="fd"/>, so processes the daemon starts do not inherit it (descriptors .NET opens
    /// have it already; those systemd passes for socket activation do not).
    /// </summary>
    /// <returns>0, or the errno of the failing fcntl(2).</returns>
    public static int SetCloseOnExec(int fd)
    {
        var flags = FcntlFlags(fd, FGetFd, 0);
        if (flags < 0 || FcntlFlags(fd, FSetFd, flags | FdCloExec) < 0) return Marshal.GetLastPInvokeError();
        return 0;
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int FcntlFlags(int fd, int command, int argument);
}
