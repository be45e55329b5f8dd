namespace Exim.Mail.Spool;

/// <summary>Reads a queue: every complete message (one with a -H file) in its input directory, oldest first.</summary>
internal static class SpoolQueue
{
    /// <summary>The queue's messages, oldest first; unless <paramref name="sorted"/> is false (-bpr): then in directory order.</summary>
    public static IReadOnlyList<QueuedMessage> List(string spoolDirectory, string? queue = null, bool sorted = true)
    {
        var input = SpoolPaths.Input(spoolDirectory, queue);
        if (!Directory.Exists(input)) return [];
        var result = new List<QueuedMessage>();
        foreach (var path in Directory.EnumerateFiles(input, "*-H"))
        {
            if (SpoolHeaderFile.Read(path) is { } m) result.Add(m);
        }
        if (sorted) result.Sort((a, b) => a.Received != b.Received ? a.Received.CompareTo(b.Received) : string.CompareOrdinal(a.Id, b.Id));
        return result;
    }

    /// <summary>
    /// How many messages the queue holds, as Exim's -bpc counts them: the -H files named by a message id, none read.
    /// </summary>
    public static int Count(string spoolDirectory, string? queue = null)
    {
        var input = SpoolPaths.Input(spoolDirectory, queue);
        if (!Directory.Exists(input)) return 0;
        return Directory.EnumerateFiles(input, "*-H").Count(p => MessageId.IsValid(Path.GetFileName(p.AsSpan())[..^2]));
    }

    /// <summary>
    /// One message's -H file in <paramref name="inputDirectory"/>, for <c>-bp id</c>: NotFound when it is missing (or
    /// <paramref name="id"/> is not a message id, so it never names a file elsewhere), Unreadable when it cannot be read,
    /// FormatError when it does not parse.
    /// </summary>
    public static SpoolReadStatus Read(string inputDirectory, string id, out QueuedMessage? message)
    {
        message = null;
        if (!MessageId.IsValid(id)) return SpoolReadStatus.NotFound;
        var status = SpoolHeaderFile.Load(Path.Combine(inputDirectory, id + "-H"), out var header);
        if (header is not null) message = SpoolHeaderFile.Summary(header);
        return status;
    }

    /// <summary>
    /// The size -bp shows, as Exim's queue_list computes it: the headers that are sent, plus the -D file without its id line,
    /// plus one for the blank line between headers and body (the message as it would be sent with LF line ends); 0 when
    /// the -D file is missing.
    /// </summary>
    public static long MessageSize(string inputDirectory, QueuedMessage message)
    {
        var data = new FileInfo(Path.Combine(inputDirectory, message.Id + "-D"));
        return data.Exists ? message.HeaderSize + data.Length - DataStartOffset(message.Id) + 1 : 0;
    }

    /// <summary>Where the body starts in a -D file: after the <c>id-D</c> line (Exim's SPOOL_DATA_START_OFFSET).</summary>
    public static int DataStartOffset(string id) => id.Length + 3;
}
