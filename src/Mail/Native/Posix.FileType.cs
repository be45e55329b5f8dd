using System.Runtime.InteropServices;

namespace Exim.Mail.Native;

internal static partial class Posix
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int SIfMt = 0xF000;
    private const int SIfSock = 0xC000;

    /// <summary>Whether <paramref name="path"/> itself (not what a symlink names) is a Unix socket; false when it does not exist.</summary>
    public static bool IsSocket(string path)
    {
        // struct statx is the same on every architecture: stx_mode is the u16 at offset 28.
        Span<byte> buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) != 0) return false;
        return (BitConverter.ToUInt16(buffer[28..]) & SIfMt) == SIfSock;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, Span<byte> buffer);
}
