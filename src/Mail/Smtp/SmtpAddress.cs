namespace Exim.Mail.Smtp;

/// <summary>RFC 5321 paths in MAIL and RCPT: <c>&lt;local@domain&gt; [params]</c>; a source route is stripped.</summary>
internal static class SmtpAddress
{
    /// <summary>
    /// Splits <c>&lt;addr&gt; params</c> (brackets optional, as Exim tolerates); false when malformed. A single trailing
    /// dot on the domain is dropped (<c>a@example.test.</c> is <c>a@example.test</c>, as with Exim's strip_trailing_dot).
    /// <paramref name="path"/> is the path as written (brackets included), for replies that quote it.
    /// </summary>
    public static bool TryParsePath(string argument, out string address, out string parameters, out string path)
    {
        address = "";
        parameters = "";
        var s = argument.TrimStart();
        if (s.StartsWith('<'))
        {
            var close = s.IndexOf('>', StringComparison.Ordinal);
            path = close < 0 ? s : s[..(close + 1)];
            if (close < 0) return false;
            address = s[1..close].Trim();
            parameters = s[(close + 1)..].Trim();
        }
        else
        {
            var space = s.IndexOf(' ', StringComparison.Ordinal);
            address = space < 0 ? s : s[..space];
            path = address;
            parameters = space < 0 ? "" : s[(space + 1)..].Trim();
        }
        if (address.Length > 2 && address.EndsWith('.') && address[^2] != '.' && address[^2] != '@' && address.LastIndexOf('@') > 0)
        {
            address = address[..^1];
        }
        if (address.StartsWith('@'))
        {
            // Source route (@a,@b:user@domain): RFC 5321 says use the final mailbox; relay control then applies to it.
            var colon = address.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0) return false;
            address = address[(colon + 1)..];
        }
        return address.Length == 0 || IsMailbox(address);
    }

    public static (string Local, string Domain) Split(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? (address, "") : (address[..at], address[(at + 1)..]);
    }

    private static bool IsMailbox(string address)
    {
        var (local, domain) = Split(address);
        if (local.Length == 0 || local.Length > 64 || address.Length > 254) return false;
        // RFC 5321 qtextSMTP and quoted-pairSMTP: no control characters, even quoted.
        if (HasControl(local)) return false;
        if (!(local.StartsWith('"') ? local.Length >= 2 && local.EndsWith('"') : IsDotAtom(local))) return false;
        return domain.Length == 0 || (IsDomain(domain) && !domain.EndsWith('.'));
    }

    /// <summary>An address literal as a HELO argument: <c>[192.0.2.1]</c> or <c>[IPv6:2001:db8::1]</c>.</summary>
    public static bool IsAddressLiteral(string name)
    {
        if (name.Length < 3 || name[0] != '[' || name[^1] != ']') return false;
        var inner = name.AsSpan(1, name.Length - 2);
        if (inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
        {
            return System.Net.IPAddress.TryParse(inner[5..], out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }
        return System.Net.IPAddress.TryParse(inner, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && inner.Count('.') == 3;
    }

    public static bool IsDomain(string domain)
    {
        if (domain.StartsWith('[') && domain.EndsWith(']')) return domain.Length > 2 && !HasControl(domain);
        if (domain.Length > 253) return false;
        var rest = domain.AsSpan().TrimEnd('.');
        while (true)
        {
            var dot = rest.IndexOf('.');
            var label = dot < 0 ? rest : rest[..dot];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || label.ContainsAnyExcept(LabelChars)) return false;
            if (dot < 0) return true;
            rest = rest[(dot + 1)..];
        }
    }

    private static readonly System.Buffers.SearchValues<char> LabelChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    /// <summary>RFC 5321 control characters (none may appear in an address, even quoted).</summary>
    private static bool HasControl(ReadOnlySpan<char> s) => s.IndexOfAnyInRange('\0', '\x1f') >= 0 || s.Contains('\x7f');

    /// <summary>An unquoted local part: atom characters (8-bit ones too) and no empty atom between two dots.</summary>
    private static bool IsDotAtom(ReadOnlySpan<char> local)
    {
        foreach (var c in local)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c > 127 || "!#$%&'*+-/=?^_`{|}~.".Contains(c))) return false;
        }
        return !local.Contains("..", StringComparison.Ordinal);
    }
}
