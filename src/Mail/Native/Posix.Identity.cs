using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Exim.Mail.Native;

/// <summary>
/// Who a process or a socket peer is: real and effective ids, supplementary groups, the passwd and group databases
/// (through NSS, so LDAP or sssd users resolve as they do for Exim) and SO_PEERCRED.
/// </summary>
internal static partial class Posix
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17; // Linux
    private const int ERange = 34;

    public static int RealUid => GetUid();

    public static int EffectiveUid => GetEUid();

    public static int RealGid => GetGid();

    public static int EffectiveGid => GetEGid();

    /// <summary>The process's supplementary groups (getgroups(2)).</summary>
    public static int[] SupplementaryGroups()
    {
        var n = GetGroups(0, null);
        if (n < 0) throw new IOException($"getgroups failed: errno {Marshal.GetLastPInvokeError()}");
        var groups = new int[n];
        if (n > 0 && GetGroups(n, groups) < 0) throw new IOException($"getgroups failed: errno {Marshal.GetLastPInvokeError()}");
        return groups;
    }

    /// <summary>getgrouplist(3): every group <paramref name="user"/> belongs to, its primary group <paramref name="gid"/> first.</summary>
    public static int[] GroupList(string user, int gid)
    {
        var count = 32;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var groups = new int[count];
            var n = count;
            if (GetGroupList(user, gid, groups, ref n) >= 0) return groups[..n];
            count = Math.Max(n, count * 2);
        }
        throw new IOException($"getgrouplist({user}) did not settle");
    }

    /// <summary>The credentials the kernel recorded for the other end of a connected Unix socket (SO_PEERCRED).</summary>
    public static PeerCredentials PeerCredentialsOf(Socket socket)
    {
        Span<int> cred = stackalloc int[3]; // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(cred);
        if (socket.GetRawSocketOption(SolSocket, SoPeerCred, bytes) != 12) throw new IOException("SO_PEERCRED returned a short ucred");
        return new PeerCredentials(cred[0], cred[1], cred[2]);
    }

    /// <summary>getpwnam_r(3)/getpwuid_r(3): a passwd entry, or null if there is none.</summary>
    internal static unsafe UnixAccount? LookUpAccount(string? name, int uid)
    {
        var size = 1024;
        var pw = stackalloc Passwd[1];
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var buffer = new byte[size];
            IntPtr result;
            int rc;
            fixed (byte* b = buffer)
            {
                rc = name is null ? GetPwUid(uid, pw, b, (nuint)size, out result) : GetPwNam(name, pw, b, (nuint)size, out result);
                if (rc == ERange) { size *= 4; continue; }
                if (rc != 0) throw new IOException($"passwd lookup of {name ?? uid.ToString(System.Globalization.CultureInfo.InvariantCulture)} failed: errno {rc}");
                if (result == IntPtr.Zero) return null;
                return new UnixAccount(Marshal.PtrToStringUTF8(pw->Name) ?? "", (int)pw->Uid, (int)pw->Gid,
                    Marshal.PtrToStringUTF8(pw->Dir) ?? "/", Marshal.PtrToStringUTF8(pw->Shell) ?? "")
                {
                    Gecos = Marshal.PtrToStringUTF8(pw->Gecos) ?? "",
                };
            }
        }
        throw new IOException($"passwd entry of {name ?? uid.ToString(System.Globalization.CultureInfo.InvariantCulture)} is too large");
    }

    /// <summary>getgrnam_r(3)/getgrgid_r(3): a group entry, or null if there is none.</summary>
    internal static unsafe UnixGroup? LookUpGroup(string? name, int gid)
    {
        var size = 1024;
        var gr = stackalloc Group[1];
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var buffer = new byte[size];
            IntPtr result;
            int rc;
            fixed (byte* b = buffer)
            {
                rc = name is null ? GetGrGid(gid, gr, b, (nuint)size, out result) : GetGrNam(name, gr, b, (nuint)size, out result);
                if (rc == ERange) { size *= 4; continue; }
                if (rc != 0) throw new IOException($"group lookup of {name ?? gid.ToString(System.Globalization.CultureInfo.InvariantCulture)} failed: errno {rc}");
                if (result == IntPtr.Zero) return null;
                var members = new List<string>();
                for (var m = gr->Members; m != null && *m != IntPtr.Zero && members.Count < 65536; m++) members.Add(Marshal.PtrToStringUTF8(*m) ?? "");
                return new UnixGroup(Marshal.PtrToStringUTF8(gr->Name) ?? "", (int)gr->Gid, [.. members]);
            }
        }
        throw new IOException($"group entry of {name ?? gid.ToString(System.Globalization.CultureInfo.InvariantCulture)} is too large");
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

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct Group
    {
        public IntPtr Name;
        public IntPtr Password;
        public uint Gid;
        public IntPtr* Members;
    }

    [LibraryImport("libc", EntryPoint = "getuid")]
    private static partial int GetUid();

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial int GetEUid();

    [LibraryImport("libc", EntryPoint = "getgid")]
    private static partial int GetGid();

    [LibraryImport("libc", EntryPoint = "getegid")]
    private static partial int GetEGid();

    [LibraryImport("libc", EntryPoint = "getgroups", SetLastError = true)]
    private static partial int GetGroups(int size, [Out] int[]? list);

    [LibraryImport("libc", EntryPoint = "getgrouplist", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int GetGroupList(string user, int group, [Out] int[] groups, ref int count);

    [LibraryImport("libc", EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int GetPwNam(string name, Passwd* pwd, byte* buffer, nuint size, out IntPtr result);

    [LibraryImport("libc", EntryPoint = "getpwuid_r")]
    private static unsafe partial int GetPwUid(int uid, Passwd* pwd, byte* buffer, nuint size, out IntPtr result);

    [LibraryImport("libc", EntryPoint = "getgrnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int GetGrNam(string name, Group* grp, byte* buffer, nuint size, out IntPtr result);

    [LibraryImport("libc", EntryPoint = "getgrgid_r")]
    private static unsafe partial int GetGrGid(int gid, Group* grp, byte* buffer, nuint size, out IntPtr result);
}
