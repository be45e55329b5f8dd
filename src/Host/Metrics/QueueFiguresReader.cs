using System.Diagnostics;
using Exim.Abstractions.Diagnostics;
using Exim.Abstractions.Queue;
using Exim.Mail.Spool;

namespace Exim.Host.Metrics;

/// <summary>
/// The queue gauges: for the default queue and each named queue (a spool subdirectory with an <c>input</c> directory),
/// how many messages it holds and the age of the oldest, read from the -H file names alone (a message id holds its time).
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

    public static IReadOnlyList<QueueFigures> ReadNow(string spool, DateTimeOffset now)
    {
        var result = new List<QueueFigures> { Figures("default", SpoolPaths.Input(spool, null), now) };
        if (!Directory.Exists(spool)) return result;
        foreach (var dir in Directory.EnumerateDirectories(spool))
        {
            var name = Path.GetFileName(dir);
            if (name is "input" or "msglog" or "db" or "log" || !QueueNames.IsValid(name, out _) || !Directory.Exists(Path.Combine(dir, "input"))) continue;
            result.Add(Figures(name, Path.Combine(dir, "input"), now));
        }
        return result;
    }

    private static QueueFigures Figures(string name, string input, DateTimeOffset now)
    {
        long count = 0;
        var oldest = now;
        if (Directory.Exists(input))
        {
            foreach (var path in Directory.EnumerateFiles(input, "*-H"))
            {
                var id = Path.GetFileName(path.AsSpan())[..^2];
                if (!MessageId.IsValid(id)) continue;
                count++;
                var made = MessageId.Time(id);
                if (made < oldest) oldest = made;
            }
        }
        return new QueueFigures(name, count, count == 0 ? TimeSpan.Zero : now - oldest);
    }
}
