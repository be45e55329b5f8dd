namespace Exim.Plugins.Lmtp;

/// <summary>
/// One LMTP reply: its code and its text as Exim's messages show it (the lines joined by a newline, then made printable
/// as Exim's string_printing does: <c>\n</c>, <c>\t</c>, octal escapes for other control characters).
/// </summary>
internal sealed record LmtpReply(int Code, string Text)
{
    public char Digit => (char)('0' + Code / 100);

    public bool IsPositive => Code is >= 200 and < 300;

    public bool IsTemporary => Code is >= 400 and < 500;
}
