using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Exim.LoadGen;

/// <summary>
/// The disk's plain commit rate, as a reference for a durable spool: <c>threads</c> threads each loop over write 1 KB to a
/// new file, fsync it, rename it into place and fsync the directory (the steps a message's -H file takes before its 250),
/// with no batching but what the filesystem does for concurrent fsyncs. The files stay (as received messages do).
/// </summary>
internal static partial class FsyncLoop
{
    public static double Run(string directory, int threads, TimeSpan duration)
    {
        Directory.CreateDirectory(directory);
        var dirFd = Open(directory, 0x10000 /* O_DIRECTORY */, 0);
        if (dirFd < 0) throw new IOException($"open({directory}): errno {Marshal.GetLastPInvokeError()}");
        var payload = new byte[1024];
        Array.Fill(payload, (byte)'x');
        long commits = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var n = 0;
            while (clock.Elapsed < duration)
            {
                var name = Path.Combine(directory, $"{Environment.CurrentManagedThreadId}-{t}-{n++}-{Guid.NewGuid():N}");
                using (var handle = File.OpenHandle(name + ".tmp", FileMode.CreateNew, FileAccess.Write))
                {
                    RandomAccess.Write(handle, payload, 0);
                    RandomAccess.FlushToDisk(handle);
                }
                File.Move(name + ".tmp", name);
                if (Fsync(dirFd) != 0) throw new IOException($"fsync({directory}): errno {Marshal.GetLastPInvokeError()}");
                Interlocked.Increment(ref commits);
            }
        })).ToList();
        foreach (var w in workers) w.Start();
        foreach (var w in workers) w.Join();
        var elapsed = clock.Elapsed.TotalSeconds;
        _ = Close(dirFd);
        return commits / elapsed;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
