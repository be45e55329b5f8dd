using System.Runtime.InteropServices;

namespace Exim.Mail.Native;

/// <summary>
/// Giving up root: supplementary groups, real/effective/saved ids, the capabilities left (capget) and ownership of
/// files (lchown; statx is in Posix.FileType). The id calls go through glibc, which applies them to every thread of the process (its setxid
/// broadcast), so no thread the runtime has started keeps root.
/// </summary>
internal static partial class Posix
{
    private const uint LinuxCapabilityVersion3 = 0x20080522;

    /// <summary>initgroups(3): the supplementary groups become every group <paramref name="user"/> is in, plus <paramref name="gid"/>.</summary>
    public static void InitGroups(string user, int gid)
    {
        if (InitGroupsNative(user, gid) != 0) throw Failed($"initgroups({user}, {gid})");
    }

    /// <summary>setresgid(2) with all three ids <paramref name="gid"/>.</summary>
    public static void SetAllGids(int gid)
    {
        if (SetResGid(gid, gid, gid) != 0) throw Failed($"setresgid({gid})");
    }

    /// <summary>setresuid(2) with all three ids <paramref name="uid"/>.</summary>
    public static void SetAllUids(int uid)
    {
        if (SetResUid(uid, uid, uid) != 0) throw Failed($"setresuid({uid})");
    }

    /// <summary>getresuid(2): the real, effective and saved user ids.</summary>
    public static (int Real, int Effective, int Saved) UserIds()
    {
        if (GetResUid(out var r, out var e, out var s) != 0) throw Failed("getresuid");
        return (r, e, s);
    }

    /// <summary>getresgid(2): the real, effective and saved group ids.</summary>
    public static (int Real, int Effective, int Saved) GroupIds()
    {
        if (GetResGid(out var r, out var e, out var s) != 0) throw Failed("getresgid");
        return (r, e, s);
    }

    /// <summary>capget(2) on the calling thread: its effective and permitted sets.</summary>
    public static unsafe (ulong Effective, ulong Permitted) ThreadCapabilities()
    {
        var header = new CapHeader { Version = LinuxCapabilityVersion3, Pid = 0 };
        var data = stackalloc CapData[2];
        if (CapGet(&header, data) != 0) throw Failed("capget");
        return (data[0].Effective | ((ulong)data[1].Effective << 32), data[0].Permitted | ((ulong)data[1].Permitted << 32));
    }

    /// <summary>lchown(2): a symbolic link itself is changed, never what it points at.</summary>
    public static void Chown(string path, int uid, int gid)
    {
        if (LChown(path, uid, gid) != 0) throw Failed($"lchown({path}, {uid}, {gid})");
    }

       private static IOException Failed(string call)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CapHeader
    {
        public uint Version;
        public int Pid;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CapData
    {
        public uint Effective;
        public uint Permitted;
        public uint Inheritable;
    }

    [LibraryImport("libc", EntryPoint = "initgroups", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int InitGroupsNative(string user, int group);

    [LibraryImport("libc", EntryPoint = "setresgid", SetLastError = true)]
    private static partial int SetResGid(int real, int effective, int saved);

    [LibraryImport("libc", EntryPoint = "setresuid", SetLastError = true)]
    private static partial int SetResUid(int real, int effective, int saved);

    [LibraryImport("libc", EntryPoint = "getresuid", SetLastError = true)]
    private static partial int GetResUid(out int real, out int effective, out int saved);

    [LibraryImport("libc", EntryPoint = "getresgid", SetLastError = true)]
    private static partial int GetResGid(out int real, out int effective, out int saved);

    [LibraryImport("libc", EntryPoint = "capget", SetLastError = true)]
    private static unsafe partial int CapGet(CapHeader* header, CapData* data);

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LChown(string path, int owner, int group);
}
