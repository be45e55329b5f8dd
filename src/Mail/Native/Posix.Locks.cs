using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Exim.Mail.Native;

/// <summary>
/// Open-file-description locks (Linux 3.15+, fcntl F_OFD_SETLK). Unlike classic fcntl locks they belong to the open
/// file, not the process, so two tasks in one daemon exclude each other as two processes do; unlike flock they do not
/// interact with the shared flock .NET takes on every FileStream. The kernel drops them when the last descriptor
/// closes, so a crashed process never leaves a message locked; a live holder releases them with <see cref="Unlock"/>.
/// </summary>
internal static partial class Posix
{
    private const int FOfdSetLk = 37;
    private const short FWrLck = 1;
    private const short FUnLck = 2;
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

    /// <summary>
    /// Releases this open file's lock. A holder calls it before closing: a child process started meanwhile shares the open
    /// file description from its fork until its exec closes the descriptor, and a lock released only by the close would
    /// stay held that long (a delivery right after a reception found its message locked). Nothing for a closed handle;
    /// false when the kernel refused, and then the close releases it as before.
    /// </summary>
    public static bool Unlock(SafeFileHandle file)
    {
        if (file.IsClosed || file.IsInvalid) return false;
        var request = new FileLockRequest { Type = FUnLck };
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (Fcntl((int)file.DangerousGetHandle(), FOfdSetLk, ref request) == 0) return true;
            if (Marshal.GetLastPInvokeError() != EIntr) return false;
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
