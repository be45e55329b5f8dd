using System.IO.Enumeration;

namespace Exim.Mail.Spool;

/// <summary>
/// Reads a queue: every complete message (one with a -H file) in its input directory and in the split subdirectories
/// under it (<c>input/X/</c>: a single letter or digit; always looked at, whatever <c>split_spool_directory</c> says now, as
/// Exim's queue_get_spool_list does). Only names are listed; a -H file is read when its message is reached, one at a
/// time, so a queue of 100,000 messages costs a directory listing, not 100,000 parsed headers held at once.
/// </summary>
internal static class SpoolQueue
{
    /// <summary>
    /// The queue's messages by name, in id order (the ids start with their arrival time, so oldest first; Exim's order).
    /// </summary>
    public static List<SpoolEntry> Entries(string spoolDirectory, string? queue = null)
    {
        var result = new List<SpoolEntry>();
        foreach (var directory in Directories(spoolDirectory, queue)) AddEntries(directory, result);
        result.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        return result;
    }

    /// <summary>
    /// The queue's messages a directory at a time, each in id order: the input directory first, then each split
    /// subdirectory, listed only when it is reached. A queue run over a split spool takes them so (Exim's runner does one
    /// subdirectory at a time), so its first delivery waits for one small listing rather than for the whole queue's.
    /// </summary>
    public static IEnumerable<List<SpoolEntry>> EntriesByDirectory(string spoolDirectory, string? queue = null)
    {
        foreach (var directory in Directories(spoolDirectory, queue))
        {
            var entries = new List<SpoolEntry>();
            AddEntries(directory, entries);
            entries.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
            yield return entries;
        }
    }

    /// <summary>
    /// The queue's messages, read one at a time as the caller reaches them (a -H file that cannot be read or parsed, or has
    /// gone meanwhile, is skipped); in id order, as <see cref="Entries"/>, or in directory order when <paramref name="sorted"/>
    /// is false (-bpr).
    /// </summary>
    /// <remarks>
    /// In id order only the ids are held, packed (<see cref="CompactQueueEntry"/>: 16 bytes a message); in directory order
    /// (-bpr) nothing is: each directory is listed as its messages are read.
    /// </remarks>
    public static IEnumerable<QueuedMessage> List(string spoolDirectory, string? queue = null, bool sorted = true)
    {
        var directories = Directories(spoolDirectory, queue);
        if (!sorted)
        {
            foreach (var directory in directories)
            {
                foreach (var id in Ids(directory))
                {
                    if (Read(new SpoolEntry(id, directory)) is { } m) yield return m;
                }
            }
            yield break;
        }
        var listed = directories.ToList();
        var keys = new List<UInt128>();
        for (var d = 0; d < listed.Count; d++)
        {
            foreach (var id in Ids(listed[d])) keys.Add(CompactQueueEntry.Pack(id, d));
        }
        keys.Sort();
        foreach (var key in keys)
        {
            var (id, d) = CompactQueueEntry.Unpack(key);
            if (Read(new SpoolEntry(id, listed[d])) is { } m) yield return m;
        }
    }

    /// <summary>What -bp needs of one listed message; null when its -H file is gone or unreadable.</summary>
    public static QueuedMessage? Read(SpoolEntry entry)
        => SpoolHeaderFile.Read(Path.Combine(entry.Directory, entry.Id + "-H")) is { } m ? m with { InputDirectory = entry.Directory } : null;

    /// <summary>
    /// How many messages the queue holds, as Exim's -bpc counts them: the -H files named by a message id, none read.
    /// </summary>
    public static int Count(string spoolDirectory, string? queue = null)
    {
        var count = 0;
        foreach (var directory in Directories(spoolDirectory, queue)) count += Ids(directory).Count();
        return count;
    }

    /// <summary>
    /// One message's -H file, split or not, for <c>-bp id</c>: NotFound when it is missing (or <paramref name="id"/> is not a
    /// message id, so it never names a file elsewhere), Unreadable when it cannot be read, FormatError when it does not parse.
    /// </summary>
    public static SpoolReadStatus Read(string spoolDirectory, string? queue, string id, bool split, out QueuedMessage? message)
    {
        message = null;
        if (SpoolPaths.Find(spoolDirectory, queue, id, split) is not { } directory) return SpoolReadStatus.NotFound;
        var status = SpoolHeaderFile.Load(Path.Combine(directory, id + "-H"), out var header);
        if (header is not null) message = SpoolHeaderFile.Summary(header) with { InputDirectory = directory };
        return status;
    }

    /// <summary>
    /// The size -bp shows, as Exim's queue_list computes it: the headers that are sent, plus the -D file without its id line,
    /// plus one for the blank line between headers and body (the message as it would be sent with LF line ends); 0 when
    /// the -D file is missing.
    /// </summary>
    public static long MessageSize(QueuedMessage message)
    {
        var data = new FileInfo(Path.Combine(message.InputDirectory, message.Id + "-D"));
        return data.Exists ? message.HeaderSize + data.Length - DataStartOffset(message.Id) + 1 : 0;
    }

    /// <summary>Where the body starts in a -D file: after the <c>id-D</c> line (Exim's SPOOL_DATA_START_OFFSET).</summary>
    public static int DataStartOffset(string id) => id.Length + 3;

    /// <summary>The queue's input directory, then its split subdirectories (those present, in name order).</summary>
    public static IEnumerable<string> Directories(string spoolDirectory, string? queue)
    {
        var input = SpoolPaths.Input(spoolDirectory, queue);
        if (!Directory.Exists(input)) yield break;
        yield return input;
        var subdirectories = new List<string>();
        try
        {
            foreach (var sub in Directory.EnumerateDirectories(input))
            {
                if (SpoolPaths.SubdirectoryOf(sub) is not null) subdirectories.Add(sub);
            }
        }
        catch (DirectoryNotFoundException)
        {
            yield break;
        }
        subdirectories.Sort(StringComparer.Ordinal);
        foreach (var sub in subdirectories) yield return sub;
    }

    /// <summary>The ids of the -H files in one directory (none when it has gone meanwhile), in directory order; nothing read.</summary>
    public static IEnumerable<string> Ids(string directory)
    {
        foreach (var name in Names(directory))
        {
            if (MessageId.IsValid(name.AsSpan(0, MessageId.Length))) yield return name[..MessageId.Length];
        }
    }

    private static void AddEntries(string directory, List<SpoolEntry> entries)
    {
        foreach (var id in Ids(directory)) entries.Add(new SpoolEntry(id, directory));
    }

    /// <summary>The names of the -H files in <paramref name="directory"/> (none when it has gone meanwhile).</summary>
    private static IEnumerable<string> Names(string directory)
    {
        var names = new FileSystemEnumerable<string>(directory, static (ref FileSystemEntry e) => e.FileName.ToString(), ListingOptions)
        {
            ShouldIncludePredicate = static (ref FileSystemEntry e)
                => !e.IsDirectory && e.FileName.Length == MessageId.Length + 2 && e.FileName.EndsWith("-H", StringComparison.Ordinal),
        };
        IEnumerator<string> enumerator;
        try
        {
            enumerator = names.GetEnumerator();
        }
        catch (DirectoryNotFoundException)
        {
            yield break;
        }
        using (enumerator)
        {
            while (true)
            {
                try
                {
                    if (!enumerator.MoveNext()) yield break;
                }
                catch (DirectoryNotFoundException)
                {
                    yield break;
                }
                yield return enumerator.Current;
            }
        }
    }

    private static readonly EnumerationOptions ListingOptions = new() { IgnoreInaccessible = false, RecurseSubdirectories = false, AttributesToSkip = 0 };
}
