using System.Diagnostics;
using Exim.Abstractions.Diagnostics;
using Exim.Abstractions.Queue;
using Exim.Mail.Spool;

namespace Exim.Host.Metrics;

/// <summary>
/// The queue gauges: for the default queue and each named queue (a spool subdirectory with an <c>input</c> directory),
/// how many messages it holds and the age of the oldest, read from the -H file names alone (split or not) (a message id holds its time).
/// Read at most once every few seconds, whatever the number of scrapers.
/// </summary>
internal sealed class QueueFiguresReader(Func<string> spoolDirectory, TimeProvider time)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);
    private readonly Lock _gate = new();
    private IReadOnlyList<QueueFigures> _last = [];
    private long _readAt = long.MinValue;

    public IReadOnlyList<QueueFigures> Read()
    {
        lock (_gate)
        {
            if (_readAt != long.MinValue && Stopwatch.GetElapsedTime(_readAt) < MaxAge) return _last;
            _last = ReadNow(spoolDirectory(), time.GetUtcNow());
            _readAt = Stopwatch.GetTimestamp();
            return _last;
        }
    }

    /// <summary>At most this many queues are read (the default one and 64 named ones)...</summary>
    public const int MaxQueues = 64;

    /// <summary>...and at most this many -H files in each, so a status or a scrape never walks a huge spool for long.</summary>
    public const int MaxCount = 100_000;

    /// <summary>
    /// Each queue's figures now, the default queue first (name ""), then the named queues in name order; a count that
    /// stopped at <see cref="MaxCount"/> says <c>AtLeast</c>. Used by the gauges (through <see cref="Read"/>) and, fresh,
    /// by the control socket's status.
    /// </summary>
    public static IReadOnlyList<QueueFigures> ReadNow(string spool, DateTimeOffset now)
    {
        var result = new List<QueueFigures> { Figures("", spool, null, now) };
        if (!Directory.Exists(spool)) return result;
        foreach (var dir in Directory.EnumerateDirectories(spool).Order(StringComparer.Ordinal))
        {
            if (result.Count > MaxQueues) break;
            var name = Path.GetFileName(dir);
            if (name is "input" or "msglog" or "db" or "log" || !QueueNames.IsValid(name, out _) || !Directory.Exists(Path.Combine(dir, "input"))) continue;
            result.Add(Figures(name, spool, name, now));
        }
        return result;
    }

    private static QueueFigures Figures(string name, string spool, string? queue, DateTimeOffset now)
    {
        long count = 0;
        var oldest = now;
        // The input directory and its split subdirectories (split_spool_directory), whatever the option says now.
        foreach (var directory in SpoolQueue.Directories(spool, queue))
        {
            foreach (var id in SpoolQueue.Ids(directory))
            {
                var made = MessageId.Time(id);
                if (made < oldest) oldest = made;
                if (++count >= MaxCount) return new QueueFigures(name, count, now - oldest, AtLeast: true);
            }
        }
        return new QueueFigures(name, count, count == 0 ? TimeSpan.Zero : now - oldest);
    }
}
