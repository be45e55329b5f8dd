namespace Exim.Mail.Smtp.Protocol;

/// <summary>
/// One parsed command line: the verb, where its argument lies in the line (leading and trailing white space left out),
/// and whether the line held a NUL (Exim refuses such a command with 501).
/// </summary>
internal readonly record struct SmtpCommand(SmtpVerb Verb, int ArgumentStart, int ArgumentLength, bool HasNul)
{
    /// <summary>The argument within the line the command was parsed from.</summary>
    public ReadOnlySpan<byte> Argument(ReadOnlySpan<byte> line) => line.Slice(ArgumentStart, ArgumentLength);
}
