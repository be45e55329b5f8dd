using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Exim.Plugins.Appendfile;

/// <summary>
/// The libc calls appendfile needs and .NET has no public API for: open with <c>O_NOFOLLOW</c> and <c>O_EXCL</c>, lstat and
/// fstat (owner, link count, inode), open-file-description fcntl locks, link(2), fchmod and fsync of a directory. Failures
/// are <see cref="NativeException"/>s carrying the errno, which Exim's log lines show (<c>defer (13): Permission denied</c>).
/// </summary>
internal static partial class Native
{
    public const int ORdWr = 2, OWrOnly = 1, OCreat = 0x40, OExcl = 0x80, OAppend = 0x400, ONoFollow = 0x20000, OCloExec = 0x80000, ODirectory = 0x10000;
    public const int Enoent = 2, Eperm = 1, Eacces = 13, Eexist = 17, Eagain = 11, Eloop = 40;

    private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100, AtEmptyPath = 0x1000;
    private const uint StatxBasic = 0x7ff;
    private const int FOfdSetLk = 37, FWrLck = 1;

    /// <summary>The delivery process's effective uid: the owner <c>check_owner</c> expects.</summary>
    public static uint EffectiveUid => GetEuid();

    public static SafeFileHandle Open(string path, int flags, uint mode)
    {
        var fd = OpenFile(path, flags | OCloExec, mode);
        if (fd < 0) throw new NativeException(Marshal.GetLastPInvokeError());
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>lstat(2): the status of the name itself (a symbolic link is not followed); null when it does not exist.</summary>
    public static FileStatus? LStat(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasic, buffer) == 0) return Parse(buffer);
        var errno = Marshal.GetLastPInvokeError();
        return errno == Enoent ? null : throw new NativeException(errno);
    }

    /// <summary>fstat(2) of an open file.</summary>
    public static FileStatus FStat(SafeFileHandle handle)
    {
        Span<byte> buffer = stackalloc byte[256];
        using var fd = new FdRef(handle);
        if (Statx(fd.Value, "", AtEmptyPath, StatxBasic, buffer) != 0) throw new NativeException(Marshal.GetLastPInvokeError());
        return Parse(buffer);
    }

    /// <summary>
    /// A write lock on the whole file, without waiting: an open-file-description lock (F_OFD_SETLK), which conflicts with the
    /// fcntl locks of MUAs and of other processes as Exim's F_SETLK does, and also with another delivery in this process
    /// (a classic fcntl lock would not: it belongs to the process). Released when the file is closed. False when it is held.
    /// </summary>
    public static bool TryLock(SafeFileHandle handle)
    {
        // struct flock: short l_type, short l_whence, (pad) off_t l_start, off_t l_len, pid_t l_pid (0 for OFD locks).
        Span<byte> flock = stackalloc byte[32];
        flock.Clear();
        BitConverter.TryWriteBytes(flock, (short)FWrLck);
        using var fd = new FdRef(handle);
        if (Fcntl(fd.Value, FOfdSetLk, flock) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        return errno is Eagain or Eacces ? false : throw new NativeException(errno);
    }

    public static void FChmod(SafeFileHandle handle, uint mode)
    {
        using var fd = new FdRef(handle);
        if (FChmodFile(fd.Value, mode) != 0) throw new NativeException(Marshal.GetLastPInvokeError());
    }

    /// <summary>ftruncate(2): the file cut back to <paramref name="length"/>.</summary>
    public static void Truncate(SafeFileHandle handle, long length)
    {
        using var fd = new FdRef(handle);
        if (FTruncate(fd.Value, length) != 0) throw new NativeException(Marshal.GetLastPInvokeError());
    }

    /// <summary>link(2); false when <paramref name="newPath"/> exists.</summary>
    public static bool Link(string existing, string newPath)
    {
        if (LinkFile(existing, newPath) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        return errno == Eexist ? false : throw new NativeException(errno);
    }

    /// <summary>fsync of a directory, so the names created or renamed in it survive a crash.</summary>
    public static void FsyncDirectory(string path)
    {
        using var handle = Open(path, ODirectory, 0);
        using var fd = new FdRef(handle);
        if (Fsync(fd.Value) != 0) throw new NativeException(Marshal.GetLastPInvokeError());
    }

    /// <summary>strerror(3).</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    private static FileStatus Parse(ReadOnlySpan<byte> b)
        // struct statx: stx_nlink u32 at 16, stx_uid u32 at 20, stx_mode u16 at 28, stx_ino u64 at 32, stx_size u64 at 40.
        => new(BitConverter.ToUInt16(b[28..]), BitConverter.ToUInt32(b[20..]), BitConverter.ToUInt32(b[16..]), BitConverter.ToUInt64(b[32..]), (long)BitConverter.ToUInt64(b[40..]));

    /// <summary>A handle's descriptor, kept alive while a call uses it.</summary>
    private readonly ref struct FdRef
    {
        private readonly SafeFileHandle _handle;
        private readonly bool _added;

        public FdRef(SafeFileHandle handle)
        {
            _handle = handle;
            handle.DangerousAddRef(ref _added);
            Value = (int)handle.DangerousGetHandle();
        }

        public int Value { get; }

        public void Dispose()
        {
            if (_added) _handle.DangerousRelease();
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenFile(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, Span<byte> buffer);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, Span<byte> flock);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    private static partial int FChmodFile(int fd, uint mode);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int FTruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkFile(string existing, string newPath);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();
}
