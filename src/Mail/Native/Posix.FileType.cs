using System.Runtime.InteropServices;

namespace Exim.Mail.Native;

internal static partial class Posix
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxUidGid = 0x8 | 0x10;
    private const int SIfMt = 0xF000;
    private const int SIfSock = 0xC000;

    /// <summary>statx(2) without following a final symbolic link: the owner and group of <paramref name="path"/>.</summary>
    public static (int Uid, int Gid) OwnerOf(string path)
    {
        Span<byte> buffer = stackalloc byte[256]; // struct statx: stx_uid at 20, stx_gid at 24 on every architecture
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxUidGid, buffer) != 0) throw Failed($"statx({path})");
        return (BitConverter.ToInt32(buffer[20..]), BitConverter.ToInt32(buffer[24..]));
    }

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
