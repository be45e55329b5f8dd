namespace Exim.Mail.Spool;

/// <summary>Reads a queue: every complete message (one with a -H file) in its input directory, oldest first.</summary>
internal static class SpoolQueue
{
    public static IReadOnlyList<QueuedMessage> List(string spoolDirectory, string? queue = null)
    {
        var input = SpoolPaths.Input(spoolDirectory, queue);
        if (!Directory.Exists(input)) return [];
        var result = new List<QueuedMessage>();
        foreach (var path in Directory.EnumerateFiles(input, "*-H"))
        {
            if (SpoolHeaderFile.Read(path) is { } m) result.Add(m);
        }
        result.Sort((a, b) => a.Received != b.Received ? a.Received.CompareTo(b.Received) : string.CompareOrdinal(a.Id, b.Id));
        return result;
    }

    /// <summary>The size -bp shows: the -D file plus the headers, as Exim counts it (approximately the message size).</summary>
    public static long SizeOf(string spoolDirectory, string id, string? queue = null)
    {
        var input = SpoolPaths.Input(spoolDirectory, queue);
        long size = 0;
        foreach (var suffix in (ReadOnlySpan<string>)["-D", "-H"])
        {
            var f = new FileInfo(Path.Combine(input, id + suffix));
            if (f.Exists) size += f.Length;
        }
        return size;
    }
}
