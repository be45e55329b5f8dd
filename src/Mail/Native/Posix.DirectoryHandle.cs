using System.Runtime.InteropServices;

namespace Exim.Mail.Native;

/// <summary>
/// Changing owners as root without following links an unprivileged user may have planted: directories are opened one
/// component at a time with O_NOFOLLOW (openat), and entries are examined and changed relative to their directory's
/// descriptor (statx / fchownat with AT_SYMLINK_NOFOLLOW), so swapping a directory for a symbolic link between a check
/// and a change cannot redirect the change elsewhere.
/// </summary>
internal static partial class Posix
{
    private const int ONoFollow = 0x20000; // Linux
    private const int OCloExec = 0x80000;
    private const uint StatxNlink = 0x4;
    private const int SIfReg = 0x8000;
    private const int SIfDir = 0x4000;

    /// <summary>
    /// Opens <paramref name="name"/> inside the directory <paramref name="parent"/> (or the absolute path itself when
    /// <paramref name="parent"/> is null) as a directory, refusing a symbolic link as the last component.
    /// </summary>
    public static DirectoryHandle OpenDirectoryNoFollow(DirectoryHandle? parent, string name)
    {
        var fd = parent is null
            ? Open(name, ORdOnly | ODirectory | ONoFollow | OCloExec, 0)
            : OpenAt(parent.Fd, name, ORdOnly | ODirectory | ONoFollow | OCloExec, 0);
        if (fd < 0) throw Failed($"open({name}, O_NOFOLLOW|O_DIRECTORY)");
        return new DirectoryHandle(fd);
    }

    /// <summary>What an entry of <paramref name="directory"/> is, not following a symbolic link: owner, type and link count; null if it is gone.</summary>
    public static (int Uid, bool IsRegularFile, bool IsDirectory, int Links)? EntryOf(DirectoryHandle directory, string name)
    {
        Span<byte> buffer = stackalloc byte[256]; // struct statx: stx_nlink u32 at 16, stx_uid at 20, stx_mode u16 at 28
        if (Statx(directory.Fd, name, AtSymlinkNoFollow, StatxType | StatxUidGid | StatxNlink, buffer) != 0)
        {
            if (Marshal.GetLastPInvokeError() == 2) return null; // ENOENT
            throw Failed($"statx({name})");
        }
        var mode = BitConverter.ToUInt16(buffer[28..]) & SIfMt;
        return (BitConverter.ToInt32(buffer[20..]), mode == SIfReg, mode == SIfDir, BitConverter.ToInt32(buffer[16..]));
    }

    /// <summary>fchownat(2) with AT_SYMLINK_NOFOLLOW: changes the entry itself, never what a link names.</summary>
    public static void ChownEntry(DirectoryHandle directory, string name, int uid, int gid)
    {
        if (FChownAt(directory.Fd, name, uid, gid, AtSymlinkNoFollow) != 0) throw Failed($"fchownat({name}, {uid}, {gid})");
    }

    /// <summary>fchown(2) of the open directory itself.</summary>
    public static void ChownDirectory(DirectoryHandle directory, int uid, int gid)
    {
        if (FChown(directory.Fd, uid, gid) != 0) throw Failed($"fchown({uid}, {gid})");
    }

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenAt(int dirfd, string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "fchownat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int FChownAt(int dirfd, string path, int owner, int group, int flags);

    [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
    private static partial int FChown(int fd, int owner, int group);

    internal static void CloseDescriptor(int fd) => _ = Close(fd);
}
