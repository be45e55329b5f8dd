using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Exim.Mail.Submission;

/// <summary>
/// What a local submission asks for, from the command line: the mode, the sender given with <c>-f</c> (null: none; ""
/// for <c>-f &lt;&gt;</c>), the full name given with <c>-F</c>, <c>-t</c>, the recipient arguments and the <c>-od</c>
/// delivery mode. On the submission socket it is the request's header (<see cref="Format"/>, <see cref="TryParse"/>):
/// <code>
/// EXIM-SUBMIT 1
/// mode bm
/// sender alice@example.com
/// name Alice Example
/// extract
/// rcpt bob@example.com
/// delivery i
/// (blank line)
/// </code>
/// then, for <c>bm</c>, the message itself until the client shuts its sending side; for <c>bs</c>, an SMTP dialogue.
/// Values never hold a line end (<see cref="TryValidate"/>).
/// </summary>
internal sealed record SubmissionRequest(
    SubmissionMode Mode,
    string? Sender,
    string? FullName,
    bool ExtractRecipients,
    ImmutableArray<string> Recipients,
    SubmissionDelivery Delivery)
{
    public const string Magic = "EXIM-SUBMIT 1";

    /// <summary>The most a request header may take (the recipients included).</summary>
    public const int MaxHeaderBytes = 256 * 1024;

    /// <summary>The request's header, ending with its blank line.</summary>
    public string Format()
    {
        var sb = new StringBuilder(Magic).Append('\n');
        sb.Append("mode ").Append(Mode == SubmissionMode.Smtp ? "bs" : "bm").Append('\n');
        if (Sender is not null) sb.Append("sender ").Append(Sender).Append('\n');
        if (FullName is not null) sb.Append("name ").Append(FullName).Append('\n');
        if (ExtractRecipients) sb.Append("extract\n");
        foreach (var r in Recipients) sb.Append("rcpt ").Append(r).Append('\n');
        sb.Append("delivery ").Append(Delivery switch
        {
            SubmissionDelivery.Background => 'b',
            SubmissionDelivery.Interactive => 'i',
            SubmissionDelivery.QueueOnly => 'q',
            _ => 'd',
        }).Append('\n');
        return sb.Append('\n').ToString();
    }

    /// <summary>Null when every value can go on the socket; else what is wrong (a value holding a line end or a NUL).</summary>
    public string? TryValidate()
    {
        static bool Bad(string? v) => v is not null && v.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0;
        if (Bad(Sender)) return "the -f address holds a line end";
        if (Bad(FullName)) return "the -F name holds a line end";
        foreach (var r in Recipients)
        {
            if (Bad(r)) return "a recipient address holds a line end";
        }
        return null;
    }

    /// <summary>Reads a request header (its lines, the blank line excluded); false with a reason when it is not one.</summary>
    public static bool TryParse(IReadOnlyList<string> lines, [NotNullWhen(true)] out SubmissionRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        if (lines.Count == 0 || lines[0] != Magic)
        {
            error = "not an EXIM-SUBMIT 1 request";
            return false;
        }
        var mode = SubmissionMode.Message;
        string? sender = null, name = null;
        var extract = false;
        var recipients = ImmutableArray.CreateBuilder<string>();
        var delivery = SubmissionDelivery.Default;
        for (var i = 1; i < lines.Count; i++)
        {
            var line = lines[i];
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var key = space < 0 ? line : line[..space];
            var value = space < 0 ? "" : line[(space + 1)..];
            switch (key)
            {
                case "mode" when value is "bm" or "bs": mode = value == "bs" ? SubmissionMode.Smtp : SubmissionMode.Message; break;
                case "sender": sender = value; break;
                case "name": name = value; break;
                case "extract": extract = true; break;
                case "rcpt" when value.Length > 0: recipients.Add(value); break;
                case "delivery" when value is "b" or "i" or "q" or "d":
                    delivery = value switch
                    {
                        "b" => SubmissionDelivery.Background,
                        "i" => SubmissionDelivery.Interactive,
                        "q" => SubmissionDelivery.QueueOnly,
                        _ => SubmissionDelivery.Default,
                    };
                    break;
                default:
                    error = $"bad request line \"{Text.ClientText.Printing(line)}\"";
                    return false;
            }
        }
        request = new SubmissionRequest(mode, sender, name, extract, recipients.ToImmutable(), delivery);
        error = null;
        return true;
    }
}
