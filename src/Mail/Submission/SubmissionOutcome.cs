namespace Exim.Mail.Submission;

/// <summary>
/// How a local submission ended, as the line the daemon sends back: <c>250</c> with the message (durable on the spool),
/// a <c>4xx</c> temporary failure (the caller should try again: sendmail's exit code 75) or a <c>5xx</c> refusal.
/// </summary>
internal readonly record struct SubmissionOutcome(int Code, string Text, Spool.MessageRef? Message = null, bool HoldDelivery = false)
{
    public bool Accepted => Code == 250;

    public static SubmissionOutcome Temporary(string text) => new(451, text);

    public static SubmissionOutcome Refused(string text) => new(550, text);

    /// <summary>The reply line on the submission socket: <c>250 &lt;id&gt;</c> or <c>&lt;code&gt; &lt;text&gt;</c>.</summary>
    public string Line => Accepted ? $"250 {Message!.Value.Id}" : $"{Code} {Text}";

    /// <summary>Reads a reply line; an unreadable one is a temporary failure.</summary>
    public static SubmissionOutcome Parse(string? line)
    {
        if (line is null || line.Length < 5 || line[3] != ' ' || !int.TryParse(line.AsSpan(0, 3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code))
        {
            return Temporary("the daemon gave no reply");
        }
        var text = line[4..];
        return code == 250 ? new SubmissionOutcome(250, "", new Spool.MessageRef(text)) : new SubmissionOutcome(code, text);
    }
}
