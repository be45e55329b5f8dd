using Microsoft.Extensions.Logging;

namespace Exim.Mail.Spool;

/// <summary>
/// Removes what a crash leaves in a queue's input directory: a -D file without its -H file (a reception or a delivery's
/// removal that never finished) and -H.tmp files (a commit or a -H rewrite that never finished). A file goes only when the
/// -D file's lock (<see cref="DataFileLock"/>) can be taken, so no reception, delivery or move is using the message, and
/// when it is older than <see cref="GracePeriod"/>, which covers the instant between a reception creating its -D file and
/// locking it. Runs at daemon start and at the start of each queue run; each removal is logged.
/// </summary>
internal static class SpoolTidier
{
    /// <summary>How old a leftover must be before it is removed.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromMinutes(15);

    private const string TempSuffix = "-H.tmp";

    /// <summary>Tidies the default queue and every named queue under <paramref name="spoolDirectory"/>; returns the files removed.</summary>
    public static int TidyAll(string spoolDirectory, DateTimeOffset now, ILogger logger)
    {
        var removed = Tidy(spoolDirectory, null, now, logger);
        if (!Directory.Exists(spoolDirectory)) return removed;
        string[] queues;
        try
        {
            queues = Directory.GetDirectories(spoolDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            SpoolLog.TidyFailed(logger, spoolDirectory, e.Message);
            return removed;
        }
        foreach (var queueDirectory in queues)
        {
            var name = Path.GetFileName(queueDirectory);
            if (Abstractions.Queue.QueueNames.IsValid(name, out _) && Directory.Exists(Path.Combine(queueDirectory, "input")))
            {
                removed += Tidy(spoolDirectory, name, now, logger);
            }
        }
        return removed;
    }

    /// <summary>Tidies one queue (null: the default queue); returns the files removed.</summary>
    public static int Tidy(string spoolDirectory, string? queue, DateTimeOffset now, ILogger logger)
    {
        var input = SpoolPaths.Input(spoolDirectory, queue);
        if (!Directory.Exists(input)) return 0;
        var shown = queue is null ? "input/" : $"{queue}/input/";
        var removed = 0;
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var path in Directory.EnumerateFiles(input))
            {
                var name = Path.GetFileName(path);
                var id = name.EndsWith("-D", StringComparison.Ordinal) ? name[..^2] : name.EndsWith(TempSuffix, StringComparison.Ordinal) ? name[..^TempSuffix.Length] : null;
                if (id is not null && MessageId.IsValid(id)) ids.Add(id);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            SpoolLog.TidyFailed(logger, shown, e.Message);
            return 0;
        }
        foreach (var id in ids)
        {
            try
            {
                removed += TidyMessage(input, shown, id, now, logger);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                SpoolLog.TidyFailed(logger, shown + id, e.Message);
            }
        }
        return removed;
    }

    private static int TidyMessage(string input, string shown, string id, DateTimeOffset now, ILogger logger)
    {
        var (data, header, temp) = (Path.Combine(input, id + "-D"), Path.Combine(input, id + "-H"), Path.Combine(input, id + TempSuffix));
        using var held = DataFileLock.TryOpen(data, out var locked);
        if (locked) return 0; // a reception, delivery or move is using this message
        var removed = 0;
        // Under the lock nobody can be writing the -H.tmp file; without a -D file nobody ever will.
        if (File.Exists(temp) && Old(File.GetLastWriteTimeUtc(temp), now))
        {
            File.Delete(temp);
            SpoolLog.LeftoverRemoved(logger, id, shown + id + TempSuffix, Why(File.Exists(data) ? "unlocked" : "no -D file"));
            removed++;
        }
        if (held is not null && !File.Exists(header) && Old(File.GetLastWriteTimeUtc(held.SafeFileHandle), now))
        {
            File.Delete(data); // while holding the lock, so nothing can have started on it
            SpoolLog.LeftoverRemoved(logger, id, shown + id + "-D", Why("no -H file, unlocked"));
            removed++;
        }
        return removed;
    }

    private static bool Old(DateTime writtenUtc, DateTimeOffset now) => now - new DateTimeOffset(writtenUtc, TimeSpan.Zero) >= GracePeriod;

    private static string Why(string what) => $"{what}, older than {(int)GracePeriod.TotalMinutes}m";
}
