using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Exim.Mail.Submission;

/// <summary>
/// What a local submission asks for, from the command line: the mode, the sender given with <c>-f</c> (null: none; ""
/// for <c>-f &lt;&gt;</c>), the full name given with <c>-F</c>, <c>-t</c>, the recipient arguments and the <c>-od</c>
/// delivery mode. On the submission socket it is the request's header (<see cref="Format"/>, <see cref="TryParse"/>):
/// <code>
/// EXIM-SUBMIT 2
/// mode bm
/// sender alice@example.com
/// name Alice Example
/// extract
/// rcpt bob@example.com
/// delivery i
/// (blank line)
/// </code>
/// then, for <c>bm</c>, the message in chunks (<see cref="SubmissionBody"/>: a 4-byte big-endian length and that many
/// bytes, a zero length ending it, so a client killed mid-message is told apart from a finished one); for <c>bs</c>, an
/// SMTP dialogue. Version 1 (the body ending at the client's shutdown) is no longer accepted. Values hold no control
/// character and no more than Exim's limits (<see cref="Validated"/>), which the daemon checks again: it never trusts
/// the client.
/// </summary>
internal sealed record SubmissionRequest(
    SubmissionMode Mode,
    string? Sender,
    string? FullName,
    bool ExtractRecipients,
    ImmutableArray<string> Recipients,
    SubmissionDelivery Delivery)
{
    public const string Magic = "EXIM-SUBMIT 2";

    /// <summary>Exim's EXIM_HUMANNAME_MAX: the longest -F name.</summary>
    public const int MaxName = 256;

    /// <summary>Exim's EXIM_DISPLAYMAIL_MAX: the longest -f address (and, here, each recipient argument).</summary>
    public const int MaxAddress = 1024;

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

    /// <summary>
    /// The request with its -f address parsed as Exim's exim.c does (parse_extract_address: <c>Name &lt;addr&gt;</c>,
    /// <c>addr (comment)</c> and <c>&lt;&gt;</c> are taken; the bare address is kept), or null with Exim's error text
    /// (<c>length limit exceeded (n &gt; max) for: -F</c>, <c>bad -f address "x": ...</c>) when a value is too long,
    /// holds a control character or is not an address.
    /// </summary>
    public SubmissionRequest? Validated(out string? error)
    {
        error = TooLong(FullName, MaxName, "-F") ?? TooLong(Sender, MaxAddress, "-f");
        if (error is not null) return null;
        if (HasControl(FullName)) return Fail(out error, "the -F name holds a control character");
        foreach (var r in Recipients)
        {
            if (HasControl(r)) return Fail(out error, "a recipient address holds a control character");
            if (TooLong(r, MaxAddress, "a recipient") is { } tooLong) return Fail(out error, tooLong);
        }
        if (Sender is null) return this;
        if (!LocalSender.TryParse(Sender, out var sender, out var why))
        {
            return Fail(out error, $"bad -f address \"{Text.ClientText.Printing(Sender)}\": {why}");
        }
        return this with { Sender = sender };

        static string? TooLong(string? value, int max, string what)
        {
            var length = value is null ? 0 : Encoding.UTF8.GetByteCount(value);
            return length > max ? $"length limit exceeded ({length} > {max}) for: {what}" : null;
        }

        static SubmissionRequest? Fail(out string? error, string why)
        {
            error = why;
            return null;
        }
    }

    /// <summary>A C0 control character other than tab, or DEL.</summary>
    private static bool HasControl(string? value)
    {
        if (value is null) return false;
        foreach (var c in value)
        {
            if ((c < ' ' && c != '\t') || c == '\x7f') return true;
        }
        return false;
    }

    /// <summary>Reads a request header (its lines, the blank line excluded); false with a reason when it is not one.</summary>
    public static bool TryParse(IReadOnlyList<string> lines, [NotNullWhen(true)] out SubmissionRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        if (lines.Count == 0 || lines[0] != Magic)
        {
            error = $"not an {Magic} request";
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
        request = new SubmissionRequest(mode, sender, name, extract, recipients.ToImmutable(), delivery).Validated(out error);
        return request is not null;
    }
}
