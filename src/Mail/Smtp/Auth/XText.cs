using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Exim.Mail.Smtp.Auth;

/// <summary>RFC 3461's xtext, in which MAIL's AUTH parameter comes: <c>+XX</c> (two upper-case hex digits) for a byte, other printable ASCII but <c>+</c> and <c>=</c> as itself.</summary>
internal static class XText
{
    public static bool TryDecode(string text, [NotNullWhen(true)] out string? decoded)
    {
        decoded = null;
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '+')
            {
                if (i + 2 >= text.Length || !IsHex(text[i + 1]) || !IsHex(text[i + 2])) return false;
                sb.Append((char)Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c is < '!' or > '~' or '=')
            {
                return false;
            }
            else
            {
                sb.Append(c);
            }
        }
        decoded = sb.ToString();
        return true;
    }

    private static bool IsHex(char c) => char.IsAsciiDigit(c) || c is >= 'A' and <= 'F';
}
