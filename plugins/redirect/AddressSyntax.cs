using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Exim.Plugins.Redirect;

/// <summary>
/// The part of Exim's <c>parse_extract_address</c> a redirection list needs: RFC 822 comments in parentheses are dropped,
/// a <c>Name &lt;address&gt;</c> route-address gives its address, and the local part (atoms or quoted strings joined by
/// dots) and the optional domain are checked. Error texts are Exim's.
/// </summary>
internal static class AddressSyntax
{
    public const string EmptyAddress = "empty address";

    /// <summary>Parses one item; <paramref name="domain"/> is null for an unqualified local part.</summary>
    public static bool TryParse(string item, [NotNullWhen(true)] out string? localPart, out string? domain, [NotNullWhen(false)] out string? error)
    {
        localPart = null;
        domain = null;
        if (!TryStripComments(item, out var text, out error)) return false;
        text = text.Trim();
        var open = IndexOutsideQuotes(text, '<');
        if (open >= 0)
        {
            var close = IndexOutsideQuotes(text, '>', open + 1);
            if (close < 0)
            {
                error = $"malformed address: {text[open..]} - missing >";
                return false;
            }
            var after = text[(close + 1)..].Trim();
            if (after.Length > 0)
            {
                error = $"malformed address: {after} may not follow {text[..(close + 1)]}";
                return false;
            }
            text = text[(open + 1)..close].Trim();
        }
        if (text.Length == 0)
        {
            error = EmptyAddress;
            return false;
        }

        var at = LastIndexOutsideQuotes(text, '@');
        var local = at < 0 ? text : text[..at];
        if (!TryLocalPart(local, text, out error)) return false;
        if (at >= 0)
        {
            var d = text[(at + 1)..];
            if (!IsDomain(d))
            {
                error = "domain missing or malformed";
                return false;
            }
            domain = d;
        }
        localPart = local;
        return true;
    }

    private static bool TryLocalPart(string local, string address, [NotNullWhen(false)] out string? error)
    {
        error = null;
        var i = 0;
        while (true)
        {
            var start = i;
            if (i < local.Length && local[i] == '"')
            {
                i++;
                while (i < local.Length && local[i] != '"') i += local[i] == '\\' && i + 1 < local.Length ? 2 : 1;
                if (i >= local.Length)
                {
                    error = $"missing closing quote in {local}";
                    return false;
                }
                i++;
            }
            else
            {
                while (i < local.Length && IsAtext(local[i])) i++;
            }
            if (i == start)
            {
                error = start == 0
                    ? "missing or malformed local part (expected word or \"<\")"
                    : $"malformed address: {address[start..].TrimStart()} may not follow {local[..start].TrimEnd()}";
                return false;
            }
            if (i == local.Length) return true;
            if (local[i] != '.')
            {
                error = $"malformed address: {address[i..].TrimStart()} may not follow {local[..i]}";
                return false;
            }
            i++;
        }
    }

    private static bool IsDomain(string domain)
    {
        if (domain.Length == 0) return false;
        if (domain[0] == '[') return domain[^1] == ']' && domain.Length > 2;
        foreach (var label in domain.Split('.'))
        {
            if (label.Length == 0) return false;
            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_') return false;
            }
        }
        return true;
    }

    /// <summary>RFC 5322's atext (which includes <c>|</c> and <c>/</c>: pipes and paths parse as unqualified local parts).</summary>
    private static bool IsAtext(char c) => char.IsAsciiLetterOrDigit(c) || c > 127 || "!#$%&'*+-/=?^_`{|}~".Contains(c, StringComparison.Ordinal);

    /// <summary>Drops (possibly nested) parenthesised comments outside quoted strings, keeping quoted pairs.</summary>
    private static bool TryStripComments(string item, out string text, [NotNullWhen(false)] out string? error)
    {
        error = null;
        text = item;
        if (!item.Contains('(', StringComparison.Ordinal)) return true;
        var sb = new StringBuilder(item.Length);
        var inQuote = false;
        for (var i = 0; i < item.Length; i++)
        {
            var c = item[i];
            if (c == '\\' && i + 1 < item.Length)
            {
                sb.Append(c).Append(item[++i]);
                continue;
            }
            if (c == '"') inQuote = !inQuote;
            if (c != '(' || inQuote)
            {
                sb.Append(c);
                continue;
            }
            var level = 1;
            while (level > 0)
            {
                if (++i >= item.Length)
                {
                    error = "unbalanced parentheses in comment";
                    return false;
                }
                if (item[i] == '\\') i++;
                else if (item[i] == '(') level++;
                else if (item[i] == ')') level--;
            }
            sb.Append(' ');
        }
        text = sb.ToString();
        return true;
    }

    private static int IndexOutsideQuotes(string s, char wanted, int from = 0)
    {
        var inQuote = false;
        for (var i = from; i < s.Length; i++)
        {
            if (s[i] == '\\') i++;
            else if (s[i] == '"') inQuote = !inQuote;
            else if (s[i] == wanted && !inQuote) return i;
        }
        return -1;
    }

    private static int LastIndexOutsideQuotes(string s, char wanted)
    {
        var found = -1;
        var inQuote = false;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\') i++;
            else if (s[i] == '"') inQuote = !inQuote;
            else if (s[i] == wanted && !inQuote) found = i;
        }
        return found;
    }
}
