using System.Collections.Immutable;

namespace Exim.Mail.Transports.Smtp;

/// <summary>A server reply: its code and its lines (without the code prefix on each).</summary>
internal sealed record SmtpReply(int Code, ImmutableArray<string> Lines)
{
    public bool IsPositive => Code is >= 200 and < 400;
    public bool IsTemporary => Code is >= 400 and < 500;

    /// <summary>
    /// As Exim quotes a reply in logs and bounces: the lines as received (<c>451-first</c>, then <c>451 last</c>), joined by
    /// a visible <c>\n</c>.
    /// </summary>
    public string Text => string.Join("\\n", Lines.Select((l, i) => $"{Code}{(i < Lines.Length - 1 ? '-' : ' ')}{l}".TrimEnd()));
}
