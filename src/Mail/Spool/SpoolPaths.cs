using Exim.Abstractions.Queue;

namespace Exim.Mail.Spool;

/// <summary>
/// Where a queue's messages live: the default queue in <c>&lt;spool&gt;/input</c>, a named queue in
/// <c>&lt;spool&gt;/&lt;name&gt;/input</c>, as Exim lays them out.
/// </summary>
internal static class SpoolPaths
{
    /// <summary>The input directory of <paramref name="queue"/> (null: the default queue).</summary>
    /// <exception cref="ArgumentException">The name cannot name a queue.</exception>
    public static string Input(string spoolDirectory, string? queue)
    {
        if (queue is null) return Path.Combine(spoolDirectory, "input");
        if (!QueueNames.IsValid(queue, out var why)) throw new ArgumentException($"{why}: \"{queue}\"", nameof(queue));
        return Path.Combine(spoolDirectory, queue, "input");
    }

    /// <summary>
    /// Creates <paramref name="queue"/>'s input directory when missing, durably (each new directory's parent fsynced), so
    /// a message committed into a new named queue survives a crash together with its directory.
    /// </summary>
    public static string EnsureInput(string spoolDirectory, string? queue)
    {
        var input = Input(spoolDirectory, queue);
        if (Directory.Exists(input)) return input;
        var queueDirectory = Path.GetDirectoryName(input)!;
        var created = !Directory.Exists(queueDirectory);
        Directory.CreateDirectory(input);
        Native.Posix.FsyncDirectory(queueDirectory);
        if (created && queue is not null) Native.Posix.FsyncDirectory(spoolDirectory);
        return input;
    }

    /// <summary>How logs and messages show a queue: nothing for the default queue, else <c> 'name'</c>.</summary>
    public static string Describe(string? queue) => queue is null ? "" : $" '{queue}'";
}
