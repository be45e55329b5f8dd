using System.Text;

namespace Exim.Mail.Routing;

/// <summary>
/// The local part as routers and transports see it (Exim's <c>$local_part</c>, deliver_split_address): the address's part
/// before its last <c>@</c> with RFC 5321 quoting removed: unescaped double quotes dropped and each backslash-quoted
/// character kept as itself, so <c>"a\"b"@x</c> has the local part <c>a"b</c> and <c>".."@x</c> has <c>..</c>. The address
/// itself keeps the quotes it came with (in the envelope, the spool and the log lines that show addresses).
/// </summary>
internal static class LocalPart
{
    /// <summary>The de-quoted local part of <paramref name="address"/> (all of it when it has no <c>@</c>).</summary>
    public static string Of(string address)
    {
        var at = address.LastIndexOf('@');
        return Unquote(at < 0 ? address : address[..at]);
    }

    /// <summary>Removes quoting from a local part as it appears in an address.</summary>
    public static string Unquote(string quoted)
    {
        if (quoted.AsSpan().IndexOfAny('"', '\\') < 0) return quoted;
        var sb = new StringBuilder(quoted.Length);
        for (var i = 0; i < quoted.Length; i++)
        {
            var c = quoted[i];
            if (c == '"') continue;
            if (c == '\\' && i + 1 < quoted.Length) c = quoted[++i];
            sb.Append(c);
        }
        return sb.ToString();
    }
}
