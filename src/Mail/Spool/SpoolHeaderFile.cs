using System.Globalization;
using System.Text;

namespace Exim.Mail.Spool;

/// <summary>
/// Exim's -H spool file: the id line, <c>login uid gid</c>, <c>&lt;sender&gt;</c>, <c>time warnings</c>, <c>-name value</c>
/// lines, the non-recipients tree (<c>XX</c>: empty), the recipient count and list, a blank line, then each header as
/// <c>NNNf text</c> with its length (newline included) and a flag character (P Received, F From, T To, C Cc, I Message-ID).
/// </summary>
internal static class SpoolHeaderFile
{
    public static string Format(string id, Envelope e, IReadOnlyList<string> headers)
    {
        var sb = new StringBuilder(512);
        sb.Append(id).Append("-H\n");
        sb.Append(Environment.UserName).Append(" 0 0\n");
        sb.Append('<').Append(e.Sender).Append(">\n");
        sb.Append(e.Received.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)).Append(" 0\n");
        if (e.HeloName is not null) sb.Append("-helo_name ").Append(e.HeloName).Append('\n');
        if (e.HostAddress is not null) sb.Append("-host_address ").Append(e.HostAddress).Append('.').Append(e.HostPort).Append('\n');
        if (e.InterfaceAddress is not null) sb.Append("-interface_address ").Append(e.InterfaceAddress).Append('.').Append(e.InterfacePort).Append('\n');
        sb.Append("-received_protocol ").Append(e.Protocol).Append('\n');
        sb.Append("-body_linecount ").Append(e.BodyLineCount.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("-max_received_linelength ").Append(e.MaxReceivedLineLength.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("XX\n");
        sb.Append(e.Recipients.Length.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var r in e.Recipients) sb.Append(r).Append('\n');
        sb.Append('\n');
        foreach (var h in headers)
        {
            var text = h.EndsWith('\n') ? h : h + "\n";
            sb.Append(Encoding.Latin1.GetByteCount(text).ToString("000", CultureInfo.InvariantCulture)).Append(Flag(text)).Append(' ').Append(text);
        }
        return sb.ToString();
    }

    private static char Flag(string header)
    {
        static bool Is(string h, string name) => h.StartsWith(name, StringComparison.OrdinalIgnoreCase) && h.Length > name.Length && h[name.Length] == ':';
        if (Is(header, "Received")) return 'P';
        if (Is(header, "From")) return 'F';
        if (Is(header, "To")) return 'T';
        if (Is(header, "Cc")) return 'C';
        if (Is(header, "Message-ID")) return 'I';
        if (Is(header, "Reply-To")) return 'R';
        if (Is(header, "Sender")) return 'S';
        return ' ';
    }

    /// <summary>Reads what -bp needs from a -H file; null when it is not a complete spool header file.</summary>
    public static QueuedMessage? Read(string path)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path, Encoding.Latin1); }
        catch (IOException) { return null; }
        if (lines.Length < 6 || !lines[0].EndsWith("-H", StringComparison.Ordinal)) return null;
        var id = lines[0][..^2];
        var sender = lines[2].Trim('<', '>');
        if (!long.TryParse(lines[3].Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var time)) return null;
        var i = 4;
        var frozen = false;
        while (i < lines.Length && lines[i].StartsWith('-'))
        {
            if (lines[i] == "-frozen" || lines[i].StartsWith("-frozen ", StringComparison.Ordinal)) frozen = true;
            i++;
        }
        if (i >= lines.Length) return null;
        i++; // non-recipients tree
        if (i >= lines.Length || !int.TryParse(lines[i], NumberStyles.None, CultureInfo.InvariantCulture, out var count)) return null;
        var recipients = lines.Skip(i + 1).Take(count).ToArray();
        if (recipients.Length != count) return null;
        return new QueuedMessage(id, sender, [.. recipients], DateTimeOffset.FromUnixTimeSeconds(time), frozen);
    }
}
