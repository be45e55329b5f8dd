using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Exim.Mail.Routing;

/// <summary>
/// Parses manualroute's <c>route_list</c> (items separated by <c>;</c>, or one per TOML array element) and
/// <c>route_data</c> (the same without the pattern). The host list is one word, or a quoted string when it contains
/// spaces; the options are <c>byname</c>, <c>bydns</c>, <c>randomize</c>, <c>no_randomize</c>, <c>ipv4_only</c> and
/// <c>ipv4_prefer</c>.
/// </summary>
internal static class RouteListParser
{
    public static bool TryParse(IEnumerable<string> routeList, out ImmutableArray<RouteListItem> items, [NotNullWhen(false)] out string? error)
    {
        var result = ImmutableArray.CreateBuilder<RouteListItem>();
        items = [];
        error = null;
        foreach (var element in routeList)
        {
            // A host list with a "<;" separator keeps its semicolons: such an element is one item.
            var parts = element.Contains("<;", StringComparison.Ordinal) ? [element] : element.Split(';');
            foreach (var part in parts)
            {
                if (part.Trim().Length == 0) continue;
                if (!TryParseItem(part, withPattern: true, out var item, out error)) return false;
                result.Add(item);
            }
        }
        items = result.ToImmutable();
        return true;
    }

    /// <summary>Parses one item; without a pattern (route_data) the pattern is <c>*</c>.</summary>
    public static bool TryParseItem(string text, bool withPattern, [NotNullWhen(true)] out RouteListItem? item, [NotNullWhen(false)] out string? error)
    {
        item = null;
        error = null;
        var words = Words(text.Trim());
        var i = 0;
        var pattern = "*";
        if (withPattern)
        {
            if (words.Count == 0)
            {
                error = "empty route_list item";
                return false;
            }
            pattern = words[i++];
        }
        var hosts = i < words.Count ? words[i++] : "";
        var lookup = HostLookupType.Default;
        bool? randomize = null;
        bool ipv4Only = false, ipv4Prefer = false;
        for (; i < words.Count; i++)
        {
            switch (words[i])
            {
                case "byname": lookup = HostLookupType.ByName; break;
                case "bydns": lookup = HostLookupType.ByDns; break;
                case "randomize": randomize = true; break;
                case "no_randomize": randomize = false; break;
                case "ipv4_only": ipv4Only = true; break;
                case "ipv4_prefer": ipv4Prefer = true; break;
                default:
                    error = $"unknown option \"{words[i]}\" in route_list item \"{text.Trim()}\"";
                    return false;
            }
        }
        item = new RouteListItem(pattern, hosts, lookup, randomize, ipv4Only, ipv4Prefer);
        return true;
    }

    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length) break;
            if (text[i] == '"')
            {
                var close = text.IndexOf('"', i + 1);
                if (close < 0) close = text.Length;
                words.Add(text[(i + 1)..close]);
                i = close + 1;
                continue;
            }
            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
            words.Add(text[start..i]);
        }
        return words;
    }
}
