using System.Text;

namespace Exim.Plugins.Redirect;

/// <summary>
/// Exim's <c>lsearch</c> lookup of a key in an aliases file, read afresh on every lookup (aliases change without a
/// reload): lines <c>key: data</c> (the colon optional after white space; a key may be in double quotes), matched
/// caselessly; the first matching line wins; lines starting with white space continue the data, joined by one space;
/// empty lines and lines starting with <c>#</c> are skipped and end a continued entry.
/// </summary>
internal static class AliasesFile
{
    /// <summary>Ours: the longest entry (Exim's MAX_FILTER_SIZE, the bound on a <c>.forward</c>).</summary>
    public const int MaxEntry = 1024 * 1024;

    /// <summary>The data for <paramref name="key"/>, or null when no line has it. Throws <see cref="IOException"/> when the file cannot be read.</summary>
    public static string? Lookup(string path, string key)
    {
        using var reader = new StreamReader(Native.OpenRegular(path), Encoding.UTF8, false);
        StringBuilder? data = null;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            line = line.TrimEnd();
            if (data is not null)
            {
                if (line.Length == 0 || line[0] == '#' || !char.IsWhiteSpace(line[0])) break;
                data.Append(' ').Append(line.AsSpan().TrimStart());
                if (data.Length > MaxEntry) throw new IOException($"entry for \"{key}\" in {path} is too big (max {MaxEntry})");
                continue;
            }
            if (line.Length == 0 || line[0] == '#' || char.IsWhiteSpace(line[0])) continue;
            if (!KeyMatches(line, key, out var rest)) continue;
            data = new StringBuilder(line[rest..]);
        }
        return data?.ToString();
    }

    /// <summary>Whether the line's key is <paramref name="key"/> (caseless); <paramref name="rest"/> is where its data starts.</summary>
    private static bool KeyMatches(string line, string key, out int rest)
    {
        string lineKey;
        var i = 0;
        if (line[0] == '"')
        {
            var sb = new StringBuilder();
            for (i = 1; i < line.Length && line[i] != '"'; i++)
            {
                if (line[i] == '\\' && i + 1 < line.Length) i++;
                sb.Append(line[i]);
            }
            if (i < line.Length) i++;
            lineKey = sb.ToString();
        }
        else
        {
            while (i < line.Length && line[i] != ':' && !char.IsWhiteSpace(line[i])) i++;
            lineKey = line[..i];
        }
        while (i < line.Length && char.IsWhiteSpace(line[i])) i++;
        if (i < line.Length && line[i] == ':')
        {
            i++;
            while (i < line.Length && char.IsWhiteSpace(line[i])) i++;
        }
        rest = i;
        return string.Equals(lineKey, key, StringComparison.OrdinalIgnoreCase);
    }
}
