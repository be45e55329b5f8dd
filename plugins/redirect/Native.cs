using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Exim.Plugins.Redirect;

/// <summary>The libc calls .NET has no public API for: the password database, a file's owner and type, and a non-blocking open.</summary>
internal static partial class Native
{
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasic = 0x7ff;
    private const int Erange = 34;

    /// <summary>A user's uid, gid and home directory from the password database (NSS, as getpwnam); null when there is no such user.</summary>
    public static SystemUser? GetUser(string name)
    {
        for (var size = 4096; size <= 1 << 20; size *= 4)
        {
            var buffer = Marshal.AllocHGlobal(size);
            try
            {
                var rc = GetPwNamR(name, out var entry, buffer, (nuint)size, out var result);
                if (rc == Erange) continue;
                if (rc != 0) throw new IOException($"getpwnam_r({name}): {Marshal.GetPInvokeErrorMessage(rc)}");
                if (result == IntPtr.Zero) return null;
                return new SystemUser(name, entry.Uid, entry.Gid, Marshal.PtrToStringUTF8(entry.Dir) ?? "/");
            }
            finally
            {
                Marshal.FreeHGlobal(buffer);
            }
        }
        throw new IOException($"getpwnam_r({name}): entry too large");
    }

    /// <summary>fstat of an open file through statx: its mode (with the type bits), owner, group and size.</summary>
    public static (uint Mode, uint Uid, uint Gid, long Size) Stat(SafeFileHandle handle)
    {
        // struct statx is the same on every architecture: stx_uid u32 at 20, stx_gid u32 at 24, stx_mode u16 at 28, stx_size u64 at 40.
        Span<byte> buffer = stackalloc byte[256];
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            if (Statx((int)handle.DangerousGetHandle(), "", AtEmptyPath, StatxBasic, buffer) != 0)
            {
                throw new IOException(Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
            }
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
        return (BitConverter.ToUInt16(buffer[28..]), BitConverter.ToUInt32(buffer[20..]), BitConverter.ToUInt32(buffer[24..]), (long)BitConverter.ToUInt64(buffer[40..]));
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Passwd
    {
        public IntPtr Name;
        public IntPtr Password;
        public uint Uid;
        public uint Gid;
        public IntPtr Gecos;
        public IntPtr Dir;
        public IntPtr Shell;
    }

    private const int ORdOnly = 0, ONonBlock = 0x800, ONoCtty = 0x100, OCloExec = 0x80000;
    private const int Enoent = 2, Eacces = 13, Enotdir = 20;

    /// <summary>
    /// Opens <paramref name="path"/> for reading without blocking on a FIFO or taking a terminal (O_NONBLOCK, O_NOCTTY), and
    /// only if it is a regular file: a user's <c>.forward</c> that is a FIFO or a device can neither hang the router nor
    /// make it read without end. Throws as <see cref="FileStream"/> would (FileNotFoundException, UnauthorizedAccessException,
    /// IOException).
    /// </summary>
    public static FileStream OpenRegular(string path)
    {
        var fd = Open(path, ORdOnly | ONonBlock | ONoCtty | OCloExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno switch
            {
                Enoent => new FileNotFoundException($"Could not find file '{path}'.", path),
                Enotdir => new DirectoryNotFoundException($"Could not find a part of the path '{path}'."),
                Eacces => new UnauthorizedAccessException($"Access to the path '{path}' is denied."),
                _ => new IOException($"{path}: {Marshal.GetPInvokeErrorMessage(errno)}"),
            };
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if ((Stat(handle).Mode & 0xF000) != 0x8000) throw new IOException($"{path} is not a regular file");
            return new FileStream(handle, FileAccess.Read, bufferSize: 4096);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int GetPwNamR(string name, out Passwd entry, IntPtr buffer, nuint size, out IntPtr result);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, Span<byte> buffer);
}
