using System.Collections.Immutable;

namespace Exim.Host.Configuration.Values;

/// <summary>
/// Exim's list syntax in a string: items separated by <c>:</c> (a doubled <c>::</c> is a literal colon), or by
/// the character after a leading <c>&lt;</c> (<c>"&lt;; ::0 ; 0.0.0.0"</c>). Items are trimmed; empty items are dropped.
/// </summary>
internal static class EximList
{
    public static ImmutableArray<string> Parse(string text)
    {
        var s = text.AsSpan().Trim();
        var sep = ':';
        if (s.Length >= 2 && s[0] == '<' && !char.IsWhiteSpace(s[1]) && !char.IsAsciiLetterOrDigit(s[1]))
        {
            sep = s[1];
            s = s[2..];
        }
        var items = ImmutableArray.CreateBuilder<string>();
        var current = new System.Text.StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == sep)
            {
                if (i + 1 < s.Length && s[i + 1] == sep) { current.Append(sep); i++; continue; }
                Flush();
                continue;
            }
            current.Append(s[i]);
        }
        Flush();
        return items.ToImmutable();

        void Flush()
        {
            var item = current.ToString().Trim();
            if (item.Length > 0) items.Add(item);
            current.Clear();
        }
    }

    /// <summary>Renders a list as Exim prints it: <c>a : b</c>, or <c>&lt;; a ; b</c> when an item holds a colon.</summary>
    public static string Format(IEnumerable<string> items)
    {
        var list = items as IReadOnlyCollection<string> ?? items.ToList();
        return list.Any(i => i.Contains(':', StringComparison.Ordinal))
            ? "<; " + string.Join(" ; ", list)
            : string.Join(" : ", list);
    }
}
