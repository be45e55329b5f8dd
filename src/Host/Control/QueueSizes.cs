using Exim.Abstractions.Queue;
using Exim.Mail.Spool;

namespace Exim.Host.Control;

/// <summary>
/// The messages in each queue for the status, counted as <c>-bpc</c> counts them (the -H files named by a message id, none
/// read): the default queue and every named queue directory, at most <see cref="MaxQueues"/> queues and
/// <see cref="MaxCount"/> files each, so a status never walks a huge spool for long.
/// </summary>
internal static class QueueSizes
{
    public const int MaxQueues = 64;
    public const int MaxCount = 100_000;

    /// <summary>Each queue's name ("" for the default) and count; <c>AtLeast</c> when the count stopped at the bound.</summary>
    public static IReadOnlyList<(string Name, int Messages, bool AtLeast)> Count(string spoolDirectory)
    {
        var result = new List<(string, int, bool)> { CountOne(spoolDirectory, null) };
        if (!Directory.Exists(spoolDirectory)) return result;
        foreach (var dir in Directory.EnumerateDirectories(spoolDirectory).Order(StringComparer.Ordinal))
        {
            if (result.Count > MaxQueues) break;
            var name = Path.GetFileName(dir);
            if (QueueNames.IsValid(name, out _) && Directory.Exists(Path.Combine(dir, "input"))) result.Add(CountOne(spoolDirectory, name));
        }
        return result;
    }

    private static (string, int, bool) CountOne(string spoolDirectory, string? queue)
    {
        var input = SpoolPaths.Input(spoolDirectory, queue);
        var n = 0;
        if (Directory.Exists(input))
        {
            foreach (var path in Directory.EnumerateFiles(input, "*-H"))
            {
                if (!MessageId.IsValid(Path.GetFileName(path.AsSpan())[..^2])) continue;
                if (++n >= MaxCount) return (queue ?? "", n, true);
            }
        }
        return (queue ?? "", n, false);
    }
}
