using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Exim.Mail.Native;

/// <summary>
/// Open-file-description locks (Linux 3.15+, fcntl F_OFD_SETLK). Unlike classic fcntl locks they belong to the open
/// file, not the process, so two tasks in one daemon exclude each other as two processes do; unlike flock they do not
/// interact with the shared flock .NET takes on every FileStream. The kernel drops them when the last descriptor
/// closes, so a crashed process never leaves a message locked.
/// </summary>
internal static partial class Posix
{
    private const int FOfdSetLk = 37;
    private const short FWrLck = 1;
    private const int EAgain = 11;
    private const int EIntr = 4;

    /// <summary>Takes an exclusive lock on the whole file without waiting; false when another holder has it.</summary>
    public static bool TryLockExclusive(SafeFileHandle file)
    {
        var request = new FileLockRequest { Type = FWrLck };
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (Fcntl((int)file.DangerousGetHandle(), FOfdSetLk, ref request) == 0) return true;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EIntr) continue;
            if (errno == EAgain || errno == 13 /* EACCES */) return false;
            throw new IOException($"fcntl(F_OFD_SETLK) failed: errno {errno}");
        }
        return false;
    }

    /// <summary>struct flock (Linux, 64-bit): l_type, l_whence, l_start, l_len, l_pid (must be 0 for OFD locks).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct FileLockRequest
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;
        public int Padding;
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, ref FileLockRequest request);
}
