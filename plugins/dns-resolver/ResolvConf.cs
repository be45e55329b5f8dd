using System.Collections.Immutable;

namespace Exim.Plugins.DnsResolver;

/// <summary>The search list of resolv.conf(5): the last <c>search</c> or <c>domain</c> line wins, as in glibc.</summary>
internal static class ResolvConf
{
    public static ImmutableArray<string> SearchDomains(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
        return Parse(lines);
    }

    public static ImmutableArray<string> Parse(IEnumerable<string> lines)
    {
        ImmutableArray<string> search = [];
        foreach (var line in lines)
        {
            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 2 || words[0].StartsWith('#') || words[0].StartsWith(';')) continue;
            if (words[0] == "search") search = [.. words.Skip(1).TakeWhile(w => !w.StartsWith('#')).Select(w => w.TrimEnd('.')).Where(w => w.Length > 0)];
            else if (words[0] == "domain") search = [words[1].TrimEnd('.')];
        }
        return search;
    }
}
