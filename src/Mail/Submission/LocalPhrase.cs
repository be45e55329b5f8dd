using System.Buffers;
using System.Text;
using MimeKit.Utils;

namespace Exim.Mail.Submission;

/// <summary>
/// The originator's name made safe as the phrase of <c>From: name &lt;address&gt;</c> and <c>Sender:</c>, as Exim's
/// parse_fix_phrase does for -F and the gecos name: a name with non-printing or non-ASCII characters becomes an
/// RFC 2047 encoded word; one holding any of <c>()&lt;&gt;@,;:\".[]</c> becomes one quoted string (unless it already is
/// exactly one), so <c>-F 'Boss &lt;boss@corp&gt;'</c> or <c>-F "Doe, John"</c> stays a name and never adds an address.
/// (Exim keeps quoted parts and comments inside a longer name as they are; here the whole name is quoted.)
/// </summary>
internal static class LocalPhrase
{
    private static readonly SearchValues<char> Specials = SearchValues.Create("()<>@,;:\\\".[]");

    public static string Fix(string name)
    {
        var n = name.Trim();
        if (n.Length == 0) return "";
        foreach (var c in n)
        {
            if ((c < ' ' && c != '\t') || c > '~') return Encoding.ASCII.GetString(Rfc2047.EncodePhrase(Encoding.UTF8, n.Replace('\t', ' ')));
        }
        if (n.AsSpan().IndexOfAny(Specials) < 0 || IsOneQuotedString(n)) return n;
        return MimeUtils.Quote(n);
    }

    private static bool IsOneQuotedString(string n)
    {
        if (n.Length < 2 || n[0] != '"' || n[^1] != '"') return false;
        for (var i = 1; i < n.Length - 1; i++)
        {
            if (n[i] == '\\') i++;
            else if (n[i] == '"') return false;
        }
        return n[^2] != '\\' || n.Length > 3 && n[^3] == '\\';
    }
}
