using System.Globalization;
using System.Runtime.InteropServices;
using Exim.Mail.Native;
using Microsoft.Win32.SafeHandles;

namespace Exim.Host.Lifetime;

/// <summary>
/// Gives back the resident pages of the process's mapped files (the ReadyToRun images, CoreLib, libcoreclr, libclrjit,
/// OpenSSL) that start-up or a reload touched and that nothing has needed since.
/// <para>
/// Linux maps up to 64 KB of already-cached file around every read fault (fault-around) and reads ahead around a fault
/// on an uncached page, so the code resident in a .NET daemon is several times the code it runs: a page of hot methods
/// brings in its 15 neighbours. Start-up and configuration parsing touch much code that a running daemon never touches
/// again (the TOML parser, the plugin loader's metadata readers, OpenSSL without TLS). In the composite package build
/// 37 MB of <c>exim.r2r.dll</c> is resident at rest; the daemon runs a fraction of it.
/// </para>
/// <para>
/// <see cref="Release"/> marks every file mapping MADV_RANDOM (a later fault on a page no longer cached reads in and
/// maps that page alone) and pages out its resident file-backed pages with MADV_PAGEOUT, as memory pressure would.
/// The kernel leaves pages other processes map. Copy-on-write pages (relocated data) are anonymous and are left alone,
/// as are the JIT's code (a memfd) and the GC heap. The pages the daemon goes on using fault back in at their next use
/// (from the page cache, or from disk when nothing else holds them), so the cost is some page faults once after each
/// release, which runs off the session path.
/// </para>
/// </summary>
internal static class MappedFilePages
{
    private const ulong Present = 1UL << 63;
    private const ulong FileOrSharedAnonymous = 1UL << 61;
    private const int MaxMappings = 1 << 17; // vm.max_map_count is 65,530 by default
    private const int EntriesPerRead = 4096;

    /// <summary>Advises every file mapping of this process as above; on other systems or old kernels it does nothing.</summary>
    public static MappedFilePagesResult Release()
    {
        if (!OperatingSystem.IsLinux()) return MappedFilePagesResult.Unsupported("not Linux");
        try
        {
            var maps = File.ReadAllLines("/proc/self/maps");
            using var pagemap = File.OpenHandle("/proc/self/pagemap", FileMode.Open, FileAccess.Read);
            var before = ResidentFilePages();
            long mappings = 0, pagesAdvised = 0;
            var entries = new ulong[EntriesPerRead];
            foreach (var line in maps.AsSpan(0, Math.Min(maps.Length, MaxMappings)))
            {
                if (!TryParseFileMapping(line, out var start, out var end)) continue;
                mappings++;
                _ = Posix.Madvise((nint)start, (nuint)(end - start), Posix.MadviseRandom, out _);
                if (PageOut(pagemap, start, end, entries) is not { } advised)
                    return MappedFilePagesResult.Unsupported("the kernel has no MADV_PAGEOUT (Linux 5.4+)");
                pagesAdvised += advised;
            }
            var after = ResidentFilePages();
            var pageSize = Environment.SystemPageSize;
            return new MappedFilePagesResult(true, null, mappings, pagesAdvised * pageSize,
                before < 0 || after < 0 ? -1 : Math.Max(0, before - after) * pageSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return MappedFilePagesResult.Unsupported(e.Message);
        }
    }

    /// <summary>
    /// Pages out the resident file-backed pages of [start, end), found in /proc/self/pagemap: how many it advised, or null
    /// when the kernel does not know MADV_PAGEOUT (EINVAL). A range unmapped meanwhile (ENOMEM) is skipped.
    /// </summary>
    /// <param name="entries">Scratch for the pagemap entries, shared by the mappings of one release.</param>
    private static long? PageOut(SafeFileHandle pagemap, ulong start, ulong end, ulong[] entries)
    {
        var pageSize = (ulong)Environment.SystemPageSize;
        long advised = 0;
        for (var at = start; at < end;)
        {
            var count = (int)Math.Min((end - at) / pageSize, (ulong)entries.Length);
            count = RandomAccess.Read(pagemap, MemoryMarshal.AsBytes(entries.AsSpan(0, count)), (long)(at / pageSize * sizeof(ulong))) / sizeof(ulong);
            if (count == 0) break;
            foreach (var (first, length) in FilePageRuns(entries.AsSpan(0, count)))
            {
                if (Posix.Madvise((nint)(at + (ulong)first * pageSize), (nuint)((ulong)length * pageSize), Posix.MadvisePageout, out var errno)) advised += length;
                else if (errno == 22) return null;
            }
            at += (ulong)count * pageSize;
        }
        return advised;
    }

    /// <summary>
    /// The runs of consecutive pages that are resident and backed by their file (not copy-on-write copies, which are
    /// anonymous), as (first index, length), from /proc/self/pagemap entries.
    /// </summary>
    public static List<(int First, int Length)> FilePageRuns(ReadOnlySpan<ulong> entries)
    {
        var runs = new List<(int, int)>();
        var runStart = -1;
        for (var i = 0; i <= entries.Length; i++)
        {
            var filePage = i < entries.Length && (entries[i] & (Present | FileOrSharedAnonymous)) == (Present | FileOrSharedAnonymous);
            if (filePage && runStart < 0) runStart = i;
            else if (!filePage && runStart >= 0)
            {
                runs.Add((runStart, i - runStart));
                runStart = -1;
            }
        }
        return runs;
    }

    /// <summary>
    /// A line of /proc/self/maps naming a mapped file: not the JIT's memfd (shared memory, which page-out would only
    /// move to swap), not a device, not a deleted file.
    /// </summary>
    public static bool TryParseFileMapping(string line, out ulong start, out ulong end)
    {
        (start, end) = (0, 0);
        // "7f06cba60000-7f06d06cc000 r-xp 00000000 fe:00 16008096     /usr/lib/exim/exim.r2r.dll"
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 6) return false;
        var path = fields[5].Trim();
        if (!path.StartsWith('/') || path.StartsWith("/memfd:", StringComparison.Ordinal) || path.StartsWith("/dev/", StringComparison.Ordinal)
            || path.EndsWith(" (deleted)", StringComparison.Ordinal) || fields[1].Length < 4 || (fields[1][3] == 's' && fields[1][1] == 'w')) return false;
        var dash = fields[0].IndexOf('-', StringComparison.Ordinal);
        return dash > 0
            && ulong.TryParse(fields[0].AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out start)
            && ulong.TryParse(fields[0].AsSpan(dash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out end)
            && end > start;
    }

    /// <summary>Resident file-backed and shared pages (the third field of /proc/self/statm), or -1.</summary>
    private static long ResidentFilePages()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return fields.Length > 2 && long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var shared) ? shared : -1;
        }
        catch (IOException)
        {
            return -1;
        }
    }
}
