using System.Text;
using Exim.Mail.Spool;
using MimeKit;
using MimeKit.Utils;

namespace Exim.Mail.Delivery;

/// <summary>
/// Puts a locally generated message (a bounce) into the spool as a new message, as Exim's child process does with
/// <c>-t -oem -oi -f &lt;&gt;</c>: a Received header with <c>with local</c>, the headers as the -H file's, and the
/// body with LF line ends into the -D file. Returns the new id, the directory it is in and its size for the <c>&lt;=</c> log line.
/// </summary>
internal static class LocalSubmission
{
    public static async Task<(string Id, string InputDirectory, long Size)> SubmitAsync(FileSpool spool, MimeMessage message, string sender, IReadOnlyList<string> recipients,
        string primaryHostname, string version, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await message.WriteToAsync(new FormatOptions { NewLineFormat = NewLineFormat.Unix }, buffer, cancellationToken).ConfigureAwait(false);
        var text = buffer.ToArray();
        var split = text.AsSpan().IndexOf("\n\n"u8);
        var headerText = Encoding.Latin1.GetString(text, 0, split < 0 ? text.Length : split + 1);
        var body = split < 0 ? Memory<byte>.Empty : text.AsMemory(split + 2);

        var spooled = spool.Create();
        try
        {
            await spooled.Data.WriteAsync(body, cancellationToken).ConfigureAwait(false);
            var headers = new List<string>
            {
                $"Received: from {Environment.UserName} by {primaryHostname} with local (Exim {version})\n\tid {spooled.Id};\n\t{DateUtils.FormatDate(now)}",
            };
            headers.AddRange(SplitHeaders(headerText));
            var lines = body.Span.Count((byte)'\n');
            var envelope = new Envelope(sender, [.. recipients], now, null, null, null, null, null, "local", lines, 0);
            await spool.CommitAsync(spooled, envelope, headers, cancellationToken).ConfigureAwait(false);
            var size = body.Length + headers.Sum(h => Encoding.Latin1.GetByteCount(h) + 1);
            return (spooled.Id, spooled.InputDirectory, size);
        }
        catch
        {
            await FileSpool.AbandonAsync(spooled).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Header fields from a header block: a line starting with white space continues the field before it.</summary>
    private static IEnumerable<string> SplitHeaders(string block)
    {
        var current = new StringBuilder();
        foreach (var line in block.Split('\n'))
        {
            if (line.Length == 0) continue;
            if (line[0] is ' ' or '\t' && current.Length > 0)
            {
                current.Append('\n').Append(line);
                continue;
            }
            if (current.Length > 0) yield return current.ToString();
            current.Clear().Append(line);
        }
        if (current.Length > 0) yield return current.ToString();
    }
}
