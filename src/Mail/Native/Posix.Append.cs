using System.Runtime.InteropServices;

namespace Exim.Mail.Native;

/// <summary>
/// Appending with O_APPEND. .NET's <see cref="FileMode.Append"/> only seeks to the end once, at open, so two processes
/// appending to one file overwrite each other's lines; with O_APPEND the kernel moves to the end and writes in one step,
/// so writes from any number of processes never overlap (Exim opens its logs this way).
/// </summary>
internal static partial class Posix
{
    private const int OWrOnly = 0x1;
    private const int OCreat = 0x40;
    private const int OAppend = 0x400;
    private const int OCloexec = 0x80000;

    /// <summary>
    /// Appends <paramref name="content"/> to <paramref name="path"/> (created with <paramref name="mode"/> if missing) in
    /// one write(2) where the kernel takes it whole, as it does for a regular file; a short write continues with the rest.
    /// </summary>
    public static void Append(string path, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        int fd;
        do fd = Open(path, OWrOnly | OCreat | OAppend | OCloexec, (int)mode);
        while (fd < 0 && Marshal.GetLastPInvokeError() == EIntr);
        if (fd < 0) throw new IOException($"open({path}) failed: {Strerror(Marshal.GetLastPInvokeError())}");
        try
        {
            while (!content.IsEmpty)
            {
                var n = Write(fd, content, (nuint)content.Length);
                if (n < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == EIntr) continue;
                    throw new IOException($"write({path}) failed: {Strerror(errno)}");
                }
                content = content[(int)n..];
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static string Strerror(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";

    /// <summary>open(2); <paramref name="mode"/> only matters with O_CREAT.</summary>
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, ReadOnlySpan<byte> buffer, nuint count);
}
