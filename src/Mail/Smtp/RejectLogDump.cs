using System.Text;
using Exim.Mail.Spool;
using Exim.Mail.Text;

namespace Exim.Mail.Smtp;

/// <summary>
/// What Exim's log.c adds to a reject-log line when a message is rejected after its data: the envelope and the
/// headers received, each header with its type flag as in the -H file (<c>P Received:</c>, <c>F From:</c>, a space
/// for others):
/// <code>
/// Envelope-from: &lt;a@example.org&gt;
/// Envelope-to: &lt;b@example.net&gt;
///     &lt;c@example.net&gt;
///   Subject: hello
/// </code>
/// At most five recipients are listed, then <c>    ...</c>. Client text is made printable line by line.
/// </summary>
internal static class RejectLogDump
{
    private const int MaxRecipients = 5;

    public static string Format(string sender, IReadOnlyList<string> recipients, IReadOnlyList<string> headers)
    {
        var sb = new StringBuilder(256);
        if (recipients.Count > 0)
        {
            sb.Append("Envelope-from: <").Append(ClientText.Printing(sender)).Append(">\n");
            sb.Append("Envelope-to: <").Append(ClientText.Printing(recipients[0])).Append(">\n");
            for (var i = 1; i < recipients.Count && i < MaxRecipients; i++) sb.Append("    <").Append(ClientText.Printing(recipients[i])).Append(">\n");
            if (recipients.Count > MaxRecipients) sb.Append("    ...\n");
        }
        foreach (var header in headers)
        {
            sb.Append(SpoolHeaderFile.Flag(header)).Append(' ');
            var first = true;
            foreach (var line in header.Split('\n'))
            {
                if (!first) sb.Append('\n');
                sb.Append(ClientText.Printing(line));
                first = false;
            }
            sb.Append('\n');
        }
        return sb.Length > 0 ? sb.ToString(0, sb.Length - 1) : "";
    }
}
