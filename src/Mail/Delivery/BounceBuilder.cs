using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Utils;

namespace Exim.Mail.Delivery;

/// <summary>
/// Builds the delivery status notification for failed recipients (RFC 3464 and RFC 6522): a multipart/report with
/// Exim's human-readable text, a message/delivery-status part with one group per recipient (Action, Final-Recipient,
/// Status taken from the server's enhanced status code when it gave one, Remote-MTA, Diagnostic-Code), and the
/// original message, or only its headers when the body is larger than Exim's default bounce_return_size_limit.
/// Headers as Exim's bounces have them: From Mail Delivery System, Auto-Submitted, X-Failed-Recipients.
/// </summary>
internal static partial class BounceBuilder
{
    public const long ReturnSizeLimit = 100 * 1024;

    public static MimeMessage Build(string primaryHostname, MessageContent original, IReadOnlyList<FailedRecipient> failed, DateTimeOffset now)
    {
        var message = new MimeMessage { Date = now, Subject = "Mail delivery failed: returning message to sender" };
        message.From.Add(new MailboxAddress("Mail Delivery System", $"Mailer-Daemon@{primaryHostname}"));
        message.To.Add(MailboxAddress.Parse(original.Sender));
        message.Headers.Add("Auto-Submitted", "auto-replied");
        message.Headers.Add("X-Failed-Recipients", string.Join(", ", failed.Select(f => f.Address)));
        message.MessageId = $"E{original.Id}@{primaryHostname}";

        var report = new MultipartReport("delivery-status") { new TextPart("plain") { Text = HumanText(failed) } };
        var status = new MessageDeliveryStatus();
        var perMessage = new HeaderList
        {
            { "Reporting-MTA", $"dns; {primaryHostname}" },
            { "Arrival-Date", DateUtils.FormatDate(original.Header.Received) },
        };
        status.StatusGroups.Add(perMessage);
        foreach (var f in failed)
        {
            var group = new HeaderList
            {
                { "Action", "failed" },
                { "Final-Recipient", $"rfc822;{f.Address}" },
                { "Status", StatusCode(f.Message) },
            };
            if (f.Host is { } host)
            {
                group.Add("Remote-MTA", $"dns; {host.Name}");
                if (SmtpReply(f.Message) is { } reply) group.Add("Diagnostic-Code", $"smtp; {reply}");
            }
            status.StatusGroups.Add(group);
        }
        report.Add(status);
        report.Add(Returned(original));
        message.Body = report;
        return message;
    }

    private static string HumanText(IReadOnlyList<FailedRecipient> failed)
    {
        var sb = new StringBuilder();
        sb.Append("This message was created automatically by mail delivery software.\n\n");
        sb.Append("A message that you sent could not be delivered to one or more of its\n");
        sb.Append("recipients. This is a permanent error. The following address(es) failed:\n\n");
        foreach (var f in failed)
        {
            sb.Append("  ").Append(f.Address).Append('\n');
            if (f.Host is { } host) sb.Append("    host ").Append(host.Name).Append(" [").Append(host.Address).Append("]\n");
            sb.Append("    ").Append(f.Message.Replace("\\n", "\n    ", StringComparison.Ordinal)).Append('\n');
        }
        return sb.ToString();
    }

    private static MimeEntity Returned(MessageContent original)
    {
        var headers = original.HeaderBytes();
        if (original.BodyLength > ReturnSizeLimit)
        {
            using var headerStream = new MemoryStream([.. headers, (byte)'\n']);
            return new TextRfc822Headers { Message = MimeMessage.Load(headerStream) };
        }
        var whole = new MemoryStream();
        whole.Write(headers);
        whole.WriteByte((byte)'\n');
        original.ReadBodyAsync((chunk, _) =>
        {
            whole.Write(chunk.Span);
            return ValueTask.CompletedTask;
        }, CancellationToken.None).GetAwaiter().GetResult(); // a bounded local file read
        whole.Position = 0;
        return new MessagePart("rfc822") { Message = MimeMessage.Load(whole) };
    }

    /// <summary>The server's reply inside one of our messages (<c>... after RCPT TO:&lt;x&gt;: 550 5.1.1 no</c>).</summary>
    private static string? SmtpReply(string message)
    {
        var m = ReplyPattern().Match(message);
        return m.Success ? m.Groups[1].Value : null;
    }

    /// <summary>The RFC 3463 status: the reply's enhanced code when it has one, else 5.0.0.</summary>
    private static string StatusCode(string message)
    {
        var m = EnhancedPattern().Match(message);
        return m.Success ? m.Groups[1].Value : "5.0.0";
    }

    [GeneratedRegex(@": ([45]\d\d[ -].*)$")]
    private static partial Regex ReplyPattern();

    [GeneratedRegex(@": 5\d\d[ -](5\.\d{1,3}\.\d{1,3})\b")]
    private static partial Regex EnhancedPattern();
}
