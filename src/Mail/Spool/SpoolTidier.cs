using Microsoft.Extensions.Logging;

namespace Exim.Mail.Spool;

/// <summary>
/// Removes what a crash leaves in a queue's input directory (and its split subdirectories): a -D file without its -H file (a reception or a delivery's
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
    /// <remarks>
    /// One pass over the directory finds the candidates (a -D without -H, a -H.tmp) and a stat keeps only old ones, so
    /// complete and fresh messages are never opened, let alone locked: a delivery never finds one locked by the tidier.
    /// </remarks>
    public static int Tidy(string spoolDirectory, string? queue, DateTimeOffset now, ILogger logger)
    {
        var removed = 0;
        var shownInput = queue is null ? "input/" : $"{queue}/input/";
        // The input directory and its split subdirectories, whatever split_spool_directory says now.
        foreach (var directory in SpoolQueue.Directories(spoolDirectory, queue))
        {
            removed += TidyDirectory(directory, SpoolPaths.SubdirectoryOf(directory) is { } sub ? $"{shownInput}{sub}/" : shownInput, now, logger);
        }
        return removed;
    }

    private static int TidyDirectory(string input, string shown, DateTimeOffset now, ILogger logger)
    {
        var data = new HashSet<string>(StringComparer.Ordinal);
        var headers = new HashSet<string>(StringComparer.Ordinal);
        var temps = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var path in Directory.EnumerateFiles(input))
            {
                var name = Path.GetFileName(path);
                if (name.EndsWith("-D", StringComparison.Ordinal)) data.Add(name[..^2]);
                else if (name.EndsWith("-H", StringComparison.Ordinal)) headers.Add(name[..^2]);
                else if (name.EndsWith(TempSuffix, StringComparison.Ordinal)) temps.Add(name[..^TempSuffix.Length]);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            SpoolLog.TidyFailed(logger, shown, e.Message);
            return 0;
        }
        var orphans = new SortedSet<string>(data.Where(id => !headers.Contains(id)), StringComparer.Ordinal);
        var removed = 0;
        foreach (var id in orphans.Union(temps))
        {
            if (!MessageId.IsValid(id)) continue;
            try
            {
                removed += TidyMessage(input, shown, id, temps.Contains(id), orphans.Contains(id), now, logger);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                SpoolLog.TidyFailed(logger, shown + id, e.Message);
            }
        }
        return removed;
    }

    private static int TidyMessage(string input, string shown, string id, bool hasTemp, bool isOrphan, DateTimeOffset now, ILogger logger)
    {
        var (data, header, temp) = (Path.Combine(input, id + "-D"), Path.Combine(input, id + "-H"), Path.Combine(input, id + TempSuffix));
        var oldTemp = hasTemp && Old(File.GetLastWriteTimeUtc(temp), now);
        var oldOrphan = isOrphan && Old(File.GetLastWriteTimeUtc(data), now);
        if (!oldTemp && !oldOrphan) return 0;
        using var held = DataFileLock.TryOpen(data, out var locked);
        if (locked) return 0; // a reception, delivery or move is using this message
        var removed = 0;
        // Under the lock nobody can be writing the -H.tmp file; without a -D file nobody ever will.
        if (oldTemp && File.Exists(temp))
        {
            File.Delete(temp);
            SpoolLog.LeftoverRemoved(logger, id, shown + id + TempSuffix, Why(held is not null ? "unlocked" : "no -D file"));
            removed++;
        }
        // Checked again under the lock: a reception may have committed its -H file since the directory was listed.
        if (oldOrphan && held is not null && !File.Exists(header))
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
