using System.Collections.Concurrent;
using Exim.Abstractions.Queue;

namespace Exim.Mail.Spool;

/// <summary>
/// Where a queue's messages live: the default queue in <c>&lt;spool&gt;/input</c>, a named queue in
/// <c>&lt;spool&gt;/&lt;name&gt;/input</c>, as Exim lays them out. With <c>split_spool_directory</c> a message's files go one level
/// down, in the subdirectory named by the sixth character of its id (<c>input/X/</c>, and its log in <c>msglog/X/</c>: 62
/// subdirectories), so no directory holds a whole large queue; a message is looked for in the split place first and then in
/// the unsplit one (or the other way round when the option is off), so what was queued before the option changed is still
/// found (Exim's set_subdir_str and spool_open_datafile).
/// </summary>
internal static class SpoolPaths
{
    /// <summary>
    /// The input directories (and split subdirectories) this process has made durable: created or found, and their parents
    /// fsynced since. A directory another session or process has just made may not be durable yet (its maker fsyncs the
    /// parent after the mkdir), so finding it is not enough: each process syncs each parent once, before its first message
    /// there, and a message acknowledged in a new directory survives a crash with it. At most 63 entries per queue.
    /// </summary>
    private static readonly ConcurrentDictionary<string, bool> Durable = new(StringComparer.Ordinal);

    /// <summary>The input directory of <paramref name="queue"/> (null: the default queue).</summary>
    /// <exception cref="ArgumentException">The name cannot name a queue.</exception>
    public static string Input(string spoolDirectory, string? queue)
    {
        if (queue is null) return Path.Combine(spoolDirectory, "input");
        if (!QueueNames.IsValid(queue, out var why)) throw new ArgumentException($"{why}: \"{queue}\"", nameof(queue));
        return Path.Combine(spoolDirectory, queue, "input");
    }

    /// <summary>The subdirectory a message goes to with <c>split_spool_directory</c>: the sixth character of its id.</summary>
    public static string Subdirectory(string id) => id.Substring(5, 1);

    /// <summary>
    /// The directories a message is looked for in, in Exim's order: split first when <paramref name="split"/>, else the queue's
    /// input directory first.
    /// </summary>
    public static (string First, string Second) Candidates(string spoolDirectory, string? queue, string id, bool split)
    {
        var input = Input(spoolDirectory, queue);
        var sub = Path.Combine(input, Subdirectory(id));
        return split ? (sub, input) : (input, sub);
    }

    /// <summary>
    /// The directory holding the message's <paramref name="suffix"/> file (<c>-H</c> by default), split or not; null when it is
    /// in neither (or <paramref name="id"/> is not a message id, so it never names a file elsewhere).
    /// </summary>
    public static string? Find(string spoolDirectory, string? queue, string id, bool split, string suffix = "-H")
    {
        if (!MessageId.IsValid(id)) return null;
        var (first, second) = Candidates(spoolDirectory, queue, id, split);
        if (File.Exists(Path.Combine(first, id + suffix))) return first;
        return File.Exists(Path.Combine(second, id + suffix)) ? second : null;
    }

    /// <summary>
    /// The input directory a new message goes to (its subdirectory with <paramref name="split"/>), created when missing, and
    /// durable (see <see cref="Durable"/>); after the first call for a directory, a lookup.
    /// </summary>
    public static string EnsureMessageInput(string spoolDirectory, string? queue, string id, bool split)
    {
        var input = EnsureInput(spoolDirectory, queue);
        if (!split) return input;
        var sub = Path.Combine(input, Subdirectory(id));
        if (Durable.ContainsKey(sub)) return sub;
        Directory.CreateDirectory(sub);
        Native.Posix.FsyncDirectory(input);
        Durable.TryAdd(sub, true);
        return sub;
    }

    /// <summary>
    /// Forgets that <paramref name="directory"/> was made durable: a create in it found it missing (removed by hand), so the
    /// next <see cref="EnsureMessageInput"/> makes it again.
    /// </summary>
    public static void Forget(string directory) => Durable.TryRemove(directory, out _);

    /// <summary>
    /// The split subdirectory <paramref name="directory"/> is (<c>X</c> for <c>…/input/X</c>), or null when it is a queue's
    /// input directory itself: what a message log follows.
    /// </summary>
    public static string? SubdirectoryOf(string directory)
    {
        var name = Path.GetFileName(directory.AsSpan());
        return name.Length == 1 && char.IsAsciiLetterOrDigit(name[0]) ? name.ToString() : null;
    }

    /// <summary>
    /// Creates <paramref name="queue"/>'s input directory when missing, and makes it durable (see <see cref="Durable"/>: the
    /// queue's directory fsynced, and for a named queue the spool directory too), so a message committed into a new named
    /// queue survives a crash together with its directory; after the first call for a queue, a lookup.
    /// </summary>
    public static string EnsureInput(string spoolDirectory, string? queue)
    {
        var input = Input(spoolDirectory, queue);
        if (Durable.ContainsKey(input)) return input;
        var queueDirectory = Path.GetDirectoryName(input)!;
        Directory.CreateDirectory(input);
        Native.Posix.FsyncDirectory(queueDirectory);
        if (queue is not null) Native.Posix.FsyncDirectory(spoolDirectory);
        Durable.TryAdd(input, true);
        return input;
    }

    /// <summary>How logs and messages show a queue: nothing for the default queue, else <c> 'name'</c>.</summary>
    public static string Describe(string? queue) => queue is null ? "" : $" '{queue}'";
}
