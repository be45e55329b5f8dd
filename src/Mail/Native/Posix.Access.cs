using System.Runtime.InteropServices;

namespace Exim.Mail.Native;

internal static partial class Posix
{
    private const int WOk = 2;
    private const int XOk = 1;

    /// <summary>access(2) with W_OK|X_OK: whether this process's real user may create files in <paramref name="directory"/>.</summary>
    public static bool CanWriteDirectory(string directory) => Access(directory, WOk | XOk) == 0;

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Access(string path, int mode);
}
