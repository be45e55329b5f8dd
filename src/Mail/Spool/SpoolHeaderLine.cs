namespace Exim.Mail.Spool;

/// <summary>One header in a -H file: Exim's flag character (P Received, F From, T To, ...) and the text, ending in a newline.</summary>
internal sealed record SpoolHeaderLine(char Flag, string Text);
