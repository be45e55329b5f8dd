using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using Exim.Mail.Native;

namespace Exim.Mail.Retry;

/// <summary>
/// The retry hints database, <c>&lt;spool&gt;/db/retry</c>: a small text file, one record per line,
/// <c>key TAB first_failed TAB last_try TAB next_try TAB expired TAB errno TAB text</c> (times in Unix seconds).
/// <para>Why this shape: the database holds one line per failing host or address, so it stays small and a whole-file
/// rewrite is cheap; a text file can be read and repaired with ordinary tools (Exim needs exim_dumpdb for its DBM
/// files); and whole-file replacement gives atomicity without a journal.</para>
/// <para>Readers take a snapshot without locking: a rename is atomic, so they see the old or the new file. Writers
/// serialise on an open-file-description lock on <c>db/retry.lockfile</c> (Exim's lock file name), re-read the file
/// under the lock, apply their changes, write <c>retry.tmp</c>, fsync it, rename it over <c>retry</c> and fsync the
/// directory. Each record is written whole, so concurrent processes lose at most the older of two updates to the same
/// key, which only makes a host be tried a little early or late. The lock dies with its process.</para>
/// </summary>
internal sealed class RetryDatabase(string spoolDirectory)
{
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

    public string Directory { get; } = Path.Combine(spoolDirectory, "db");

    public string FilePath => Path.Combine(Directory, "retry");

    public FrozenDictionary<string, RetryRecord> Read()
    {
        string[] lines;
        try { lines = File.ReadAllLines(FilePath, Encoding.UTF8); }
        catch (FileNotFoundException) { return FrozenDictionary<string, RetryRecord>.Empty; }
        catch (DirectoryNotFoundException) { return FrozenDictionary<string, RetryRecord>.Empty; }
        var records = new Dictionary<string, RetryRecord>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (TryParse(line, out var record)) records[record.Key] = record;
        }
        return records.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Applies changes: a record replaces the one with its key, a key alone (null record) deletes it.</summary>
    public void Update(IReadOnlyDictionary<string, RetryRecord?> changes)
    {
        if (changes.Count == 0) return;
        System.IO.Directory.CreateDirectory(Directory);
        using var lockFile = new FileStream(Path.Combine(Directory, "retry.lockfile"), new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.ReadWrite | FileShare.Delete,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        var deadline = DateTime.UtcNow + LockWait;
        while (!Posix.TryLockExclusive(lockFile.SafeFileHandle))
        {
            if (DateTime.UtcNow > deadline) throw new IOException($"could not lock {lockFile.Name} within {LockWait.TotalSeconds}s");
            Thread.Sleep(5);
        }
        var records = new Dictionary<string, RetryRecord>(Read(), StringComparer.Ordinal);
        foreach (var (key, record) in changes)
        {
            if (record is null) records.Remove(key);
            else records[key] = record;
        }
        var sb = new StringBuilder();
        foreach (var r in records.Values.OrderBy(r => r.Key, StringComparer.Ordinal)) Format(sb, r);
        DurableFile.Replace(FilePath, Encoding.UTF8.GetBytes(sb.ToString()));
    }

    private static void Format(StringBuilder sb, RetryRecord r)
    {
        var ci = CultureInfo.InvariantCulture;
        sb.Append(Clean(r.Key)).Append('\t')
          .Append(r.FirstFailed.ToUnixTimeSeconds().ToString(ci)).Append('\t')
          .Append(r.LastTry.ToUnixTimeSeconds().ToString(ci)).Append('\t')
          .Append(r.NextTry.ToUnixTimeSeconds().ToString(ci)).Append('\t')
          .Append(r.Expired ? '1' : '0').Append('\t')
          .Append(r.Errno.ToString(ci)).Append('\t')
          .Append(Clean(r.Text)).Append('\n');
    }

    private static string Clean(string s) => s.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');

    private static bool TryParse(string line, out RetryRecord record)
    {
        record = null!;
        var f = line.Split('\t');
        if (f.Length != 7) return false;
        var ci = CultureInfo.InvariantCulture;
        if (!long.TryParse(f[1], NumberStyles.AllowLeadingSign, ci, out var first)
            || !long.TryParse(f[2], NumberStyles.AllowLeadingSign, ci, out var last)
            || !long.TryParse(f[3], NumberStyles.AllowLeadingSign, ci, out var next)
            || !int.TryParse(f[5], NumberStyles.AllowLeadingSign, ci, out var errno)) return false;
        record = new RetryRecord(f[0], DateTimeOffset.FromUnixTimeSeconds(first), DateTimeOffset.FromUnixTimeSeconds(last),
            DateTimeOffset.FromUnixTimeSeconds(next), f[4] == "1", errno, f[6]);
        return true;
    }
}
