using System.Runtime.InteropServices;

namespace Exim.Mail.Native;

/// <summary>madvise(2): hints about how the process uses a range of its mappings.</summary>
internal static partial class Posix
{
    /// <summary>MADV_RANDOM: no read-ahead on this range's page faults; only the page faulted is read in.</summary>
    public const int MadviseRandom = 1;

    /// <summary>MADV_PAGEOUT (Linux 5.4+): reclaim the range's pages now, as memory pressure would.</summary>
    public const int MadvisePageout = 21;

    /// <summary>madvise(2); false (with the errno) when the kernel refuses, e.g. EINVAL for an advice it does not know.</summary>
    public static bool Madvise(nint address, nuint length, int advice, out int errno)
    {
        var ok = MadviseNative(address, length, advice) == 0;
        errno = ok ? 0 : Marshal.GetLastPInvokeError();
        return ok;
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int MadviseNative(nint address, nuint length, int advice);
}
