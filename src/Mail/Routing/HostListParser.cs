using System.Collections.Immutable;
using System.Globalization;
using System.Net;

namespace Exim.Mail.Routing;

/// <summary>
/// Parses an Exim host list: items separated by <c>:</c> (a doubled <c>::</c> is a literal colon, so
/// <c>host::2525</c> names a port), or by another character after a leading <c>&lt;x</c>; <c>+</c> items separate
/// randomisation groups; <c>[v6]:port</c> and <c>name:port</c> give ports; <c>name/MX</c> asks for MX records.
/// </summary>
internal static class HostListParser
{
    public static ImmutableArray<HostListItem> Parse(string list)
    {
        var separator = ':';
        var s = list.Trim();
        if (s.Length >= 2 && s[0] == '<' && !char.IsWhiteSpace(s[1]) && !char.IsAsciiLetterOrDigit(s[1]))
        {
            separator = s[1];
            s = s[2..];
        }
        var result = ImmutableArray.CreateBuilder<HostListItem>();
        var group = 0;
        foreach (var raw in Split(s, separator))
        {
            var item = raw.Trim();
            if (item.Length == 0) continue;
            if (item == "+")
            {
                group++;
                continue;
            }
            result.Add(ParseItem(item, group));
        }
        return result.ToImmutable();
    }

    private static IEnumerable<string> Split(string s, char separator)
    {
        var current = new System.Text.StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != separator)
            {
                current.Append(s[i]);
                continue;
            }
            if (i + 1 < s.Length && s[i + 1] == separator)
            {
                current.Append(separator);
                i++;
                continue;
            }
            yield return current.ToString();
            current.Clear();
        }
        yield return current.ToString();
    }

    private static HostListItem ParseItem(string item, int group)
    {
        int? port = null;
        if (item.StartsWith('['))
        {
            var close = item.IndexOf(']', StringComparison.Ordinal);
            if (close > 0)
            {
                if (close + 2 < item.Length && item[close + 1] is ':' or '.' && int.TryParse(item.AsSpan(close + 2), NumberStyles.None, CultureInfo.InvariantCulture, out var p)) port = p;
                item = item[1..close];
            }
        }
        else if (item.Count(c => c == ':') == 1)
        {
            var colon = item.IndexOf(':', StringComparison.Ordinal);
            if (int.TryParse(item.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p))
            {
                port = p;
                item = item[..colon];
            }
        }
        var mxOnly = item.EndsWith("/MX", StringComparison.OrdinalIgnoreCase) && !IPAddress.TryParse(item, out _);
        if (mxOnly) item = item[..^3];
        return new HostListItem(item, port, mxOnly, group);
    }
}
