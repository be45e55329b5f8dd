using System.Runtime.InteropServices;

namespace Exim.Mail.Native;

/// <summary>The few POSIX calls .NET does not expose: fsync of a directory (so a rename is durable), syncfs, hard links and a plain rename(2).</summary>
internal static partial class Posix
{
    private const int ORdOnly = 0;
    private const int ODirectory = 0x10000; // Linux

    public static void FsyncDirectory(string path)
    {
        var fd = Open(path, ORdOnly | ODirectory, 0);
        if (fd < 0) throw new IOException($"open({path}) failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"fsync({path}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>syncfs(2) on the filesystem holding <paramref name="path"/>: all its dirty data and metadata in one call.</summary>
    public static void SyncFilesystem(string path)
    {
        var fd = Open(path, ORdOnly | ODirectory, 0);
        if (fd < 0) throw new IOException($"open({path}) failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (SyncFs(fd) != 0) throw new IOException($"syncfs({path}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>link(2): a second name for a file; fails with <see cref="IOException"/> if <paramref name="newPath"/> exists.</summary>
    public static void Link(string existing, string newPath)
    {
        if (LinkFile(existing, newPath) != 0) throw new IOException($"link({existing}, {newPath}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>rename(2): atomic within one filesystem, replacing <paramref name="newPath"/> if it exists.</summary>
    public static void Rename(string oldPath, string newPath)
    {
        if (RenameFile(oldPath, newPath) != 0) throw new IOException($"rename({oldPath}, {newPath}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>
    /// renameat2(2) with RENAME_NOREPLACE: atomic, and fails with <see cref="IOException"/> if <paramref name="newPath"/>
    /// exists, in one call (File.Move without overwrite stats both names first, and in a spool directory of a few hundred
    /// thousand entries each lookup costs).
    /// </summary>
    public static void RenameNoReplace(string oldPath, string newPath)
    {
        if (RenameAt2(AtFdCwd, oldPath, AtFdCwd, newPath, RenameNoReplaceFlag) != 0) throw new IOException($"rename({oldPath}, {newPath}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    private const uint RenameNoReplaceFlag = 1;

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameFile(string oldPath, string newPath);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkFile(string existing, string newPath);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
