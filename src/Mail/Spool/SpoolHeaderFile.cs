using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Exim.Mail.Native;

namespace Exim.Mail.Spool;

/// <summary>
/// Exim's -H spool file: the id line, <c>login uid gid</c>, <c>&lt;sender&gt;</c>, <c>time warnings</c>, <c>-name value</c>
/// lines, the non-recipients tree (see <see cref="NonRecipientsTree"/>), the recipient count and list, a blank line, then
/// each header as <c>NNNf text</c> with its length (newline included) and a flag character (P Received, F From, T To,
/// C Cc, I Message-ID). The file is Latin-1, so every octet of a header survives unchanged.
/// </summary>
internal static class SpoolHeaderFile
{
    public static string Format(string id, Envelope e, IReadOnlyList<string> headers) => Format(id, e, Lines(headers));

    /// <summary>Headers as -H lines, each with its newline and the flag its name gives it.</summary>
    public static ImmutableArray<SpoolHeaderLine> Lines(IEnumerable<string> headers)
        => [.. headers.Select(h => h.EndsWith('\n') ? h : h + "\n").Select(t => new SpoolHeaderLine(Flag(t), t))];

    /// <summary>
    /// A new message's -H file, from its envelope and header lines (a line flagged <see cref="Deleted"/> is one a policy
    /// removed: kept in the file, as Exim keeps it, but never delivered).
    /// </summary>
    public static string Format(string id, Envelope e, IReadOnlyList<SpoolHeaderLine> headers)
    {
        var options = ImmutableArray.CreateBuilder<string>();
        if (e.HeloName is not null) options.Add("-helo_name " + e.HeloName);
        if (e.HostAddress is not null) options.Add($"-host_address {e.HostAddress}.{e.HostPort}");
        if (e.Authenticated is { } auth)
        {
            options.Add("-host_auth " + auth.Name);
            options.Add("-host_auth_pubname " + auth.PublicName);
        }
        if (e.Originator is { } ident) options.Add("-ident " + ident.Login);
        if (e.InterfaceAddress is not null) options.Add($"-interface_address {e.InterfaceAddress}.{e.InterfacePort}");
        options.Add("-received_protocol " + e.Protocol);
        options.Add("-body_linecount " + e.BodyLineCount.ToString(CultureInfo.InvariantCulture));
        options.Add("-max_received_linelength " + e.MaxReceivedLineLength.ToString(CultureInfo.InvariantCulture));
        if (e.Authenticated is { Id: { } authId }) options.Add("-auth_id " + authId);
        if (e.AuthenticatedSender is { } authSender) options.Add("-auth_sender " + authSender);
        options.Add(SpoolHeader.FirstTimeOption);
        if (e.Originator is not null) options.Add("-local");
        if (e.Tls is { } tls)
        {
            // Exim's spool_out.c, in its order: what $tls_in_* are restored from for delivery and -Mvh.
            if (tls.PeerVerified) options.Add("-tls_certificate_verified");
            options.Add($"-tls_cipher {tls}");
            if (tls.PeerSubject is { } dn) options.Add("-tls_peerdn " + Text.ClientText.Printing(dn));
            if (tls.Sni is { } sni) options.Add("-tls_sni " + Text.ClientText.Printing(sni));
            options.Add("-tls_ver " + tls.Protocol);
        }
        return Format(new SpoolHeader(id, e.Originator?.Login ?? Environment.UserName, e.Sender, e.Received, 0, options.ToImmutable(), e.FrozenAt,
            ImmutableSortedSet.Create<string>(StringComparer.Ordinal), e.Recipients, [.. headers])
        {
            LoginIds = e.Originator is { } o ? string.Create(CultureInfo.InvariantCulture, $"{o.Uid} {o.Gid}") : "0 0",
        });
    }

    public static string Format(SpoolHeader h)
    {
        var sb = new StringBuilder(512);
        sb.Append(h.Id).Append("-H\n");
        sb.Append(h.Login).Append(' ').Append(h.LoginIds).Append('\n');
        sb.Append('<').Append(h.Sender).Append(">\n");
        sb.Append(h.Received.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)).Append(' ').Append(h.Warnings.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var o in h.Options) sb.Append(o).Append('\n');
        if (h.FrozenAt is { } frozen) sb.Append("-frozen ").Append(frozen.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)).Append('\n');
        NonRecipientsTree.Write(sb, h.NonRecipients);
        sb.Append(h.Recipients.Length.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var r in h.Recipients) sb.Append(r).Append('\n');
        sb.Append('\n');
        foreach (var line in h.Headers)
        {
            sb.Append(line.Text.Length.ToString("000", CultureInfo.InvariantCulture)).Append(line.Flag).Append(' ').Append(line.Text);
        }
        return sb.ToString();
    }

    /// <summary>Exim's flag (htype_old) for a header that was removed: it stays in the -H file and is never delivered.</summary>
    public const char Deleted = '*';

    /// <summary>Exim's header type flag for a header's text.</summary>
    public static char Flag(string header)
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

    /// <summary>The texts of the header lines that are delivered: those not flagged <see cref="Deleted"/>.</summary>
    public static ImmutableArray<string> Visible(IEnumerable<SpoolHeaderLine> lines) => [.. lines.Where(l => l.Flag != Deleted).Select(l => l.Text)];

    /// <summary>Reads what -bp needs from a -H file; null when it is not a complete spool header file.</summary>
    public static QueuedMessage? Read(string path)
        => Load(path) is { } h ? Summary(h) : null;

    /// <summary>What -bp shows of a header file.</summary>
    public static QueuedMessage Summary(SpoolHeader h)
        => new(h.Id, h.Sender, h.Recipients, h.Received, h.Frozen, h.NonRecipients, h.FirstTime,
            h.Headers.Where(l => l.Flag != Deleted).Sum(l => (long)l.Text.Length));

    /// <summary>Reads a whole -H file; null when it is missing or not a complete spool header file.</summary>
    public static SpoolHeader? Load(string path) => Load(path, out var header) == SpoolReadStatus.Ok ? header : null;

    /// <summary>
    /// Reads a whole -H file, telling apart what went wrong as Exim's spool_read_header does: NotFound when it is missing,
    /// Unreadable when it cannot be read, FormatError when it does not parse.
    /// </summary>
    public static SpoolReadStatus Load(string path, out SpoolHeader? header)
    {
        header = null;
        string text;
        try { text = ReadLatin1(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return SpoolReadStatus.NotFound; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return SpoolReadStatus.Unreadable; }
        header = Parse(text);
        return header is null ? SpoolReadStatus.FormatError : SpoolReadStatus.Ok;
    }

    /// <summary>
    /// The file as Latin-1 text, read in one positioned read into a pooled buffer: File.ReadAllText's stream, reader and
    /// builder were about a tenth of what a queue run allocated.
    /// </summary>
    private static string ReadLatin1(string path)
    {
        using var handle = File.OpenHandle(path);
        var length = RandomAccess.GetLength(handle);
        if (length > Array.MaxLength) throw new IOException($"{path}: {length} bytes is too large for a header file");
        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            var total = 0;
            for (var attempt = 0; attempt < 1024 && total < length; attempt++)
            {
                var read = RandomAccess.Read(handle, buffer.AsSpan(total, (int)length - total), total);
                if (read == 0) break;
                total += read;
            }
            return Encoding.Latin1.GetString(buffer, 0, total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static SpoolHeader? Parse(string text)
    {
        var blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        if (blank < 0) return null;
        var lines = text[..blank].Split('\n');
        if (lines.Length < 6 || !lines[0].EndsWith("-H", StringComparison.Ordinal)) return null;
        var id = lines[0][..^2];
        var loginSpace = lines[1].IndexOf(' ', StringComparison.Ordinal);
        var login = loginSpace < 0 ? lines[1] : lines[1][..loginSpace];
        var loginIds = loginSpace < 0 ? "0 0" : lines[1][(loginSpace + 1)..];
        if (lines[2].Length < 2 || lines[2][0] != '<' || lines[2][^1] != '>') return null;
        var sender = lines[2][1..^1];
        var timeParts = lines[3].Split(' ');
        if (!long.TryParse(timeParts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var time)) return null;
        var warnings = timeParts.Length > 1 && int.TryParse(timeParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var w) ? w : 0;
        var i = 4;
        var options = ImmutableArray.CreateBuilder<string>();
        DateTimeOffset? frozen = null;
        for (; i < lines.Length && lines[i].StartsWith('-'); i++)
        {
            if (lines[i] == "-frozen" || lines[i].StartsWith("-frozen ", StringComparison.Ordinal))
            {
                frozen = long.TryParse(lines[i].AsSpan(7).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var f)
                    ? DateTimeOffset.FromUnixTimeSeconds(f) : DateTimeOffset.UnixEpoch;
            }
            else
            {
                options.Add(lines[i]);
            }
        }
        if (!NonRecipientsTree.TryRead(lines, ref i, out var nonRecipients)) return null;
        if (i >= lines.Length || !int.TryParse(lines[i], NumberStyles.None, CultureInfo.InvariantCulture, out var count)) return null;
        if (lines.Length - i - 1 != count) return null;
        var recipients = lines.AsSpan(i + 1, count).ToArray();
        if (!TryParseHeaders(text.AsSpan(blank + 2), out var headers)) return null;
        return new SpoolHeader(id, login, sender, DateTimeOffset.FromUnixTimeSeconds(time), warnings, options.ToImmutable(), frozen,
            nonRecipients, [.. recipients], headers) { LoginIds = loginIds };
    }

    private static bool TryParseHeaders(ReadOnlySpan<char> rest, out ImmutableArray<SpoolHeaderLine> headers)
    {
        var result = ImmutableArray.CreateBuilder<SpoolHeaderLine>();
        headers = [];
        while (!rest.IsEmpty)
        {
            var digits = 0;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits])) digits++;
            if (digits == 0 || digits + 2 > rest.Length || rest[digits + 1] != ' ') return false;
            if (!int.TryParse(rest[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var length)) return false;
            var start = digits + 2;
            if (start + length > rest.Length) return false;
            result.Add(new SpoolHeaderLine(rest[digits], rest.Slice(start, length).ToString()));
            rest = rest[(start + length)..];
        }
        headers = result.ToImmutable();
        return true;
    }

    /// <summary>
    /// Replaces a message's -H file durably: written under a temporary name, fsynced, renamed over the old one, and the
    /// directory fsynced, so a crash leaves either the old or the new file. The caller holds the message's lock.
    /// </summary>
    public static void Rewrite(string inputDirectory, SpoolHeader header)
        => DurableFile.Replace(Path.Combine(inputDirectory, header.Id + "-H"), Encoding.Latin1.GetBytes(Format(header)));
}
