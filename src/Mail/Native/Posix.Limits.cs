using System.Runtime.InteropServices;

namespace Exim.Mail.Native;

internal static partial class Posix
{
    private const int RlimitNofile = 7; // Linux

    /// <summary>getrlimit(RLIMIT_NOFILE): the soft and hard limits on open file descriptors; false when the call failed.</summary>
    public static bool TryGetDescriptorLimit(out ulong soft, out ulong hard)
    {
        if (GetRlimit(RlimitNofile, out var limit) != 0)
        {
            (soft, hard) = (0, 0);
            return false;
        }
        (soft, hard) = (limit.Current, limit.Maximum);
        return true;
    }

    /// <summary>setrlimit(RLIMIT_NOFILE) with the soft limit <paramref name="soft"/> and the hard limit unchanged.</summary>
    /// <returns>0, or the errno of the failing call.</returns>
    public static int SetDescriptorSoftLimit(ulong soft)
    {
        if (GetRlimit(RlimitNofile, out var limit) != 0) return Marshal.GetLastPInvokeError();
        limit.Current = soft;
        return SetRlimit(RlimitNofile, limit) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRlimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRlimit(int resource, in RLimit limit);
}
