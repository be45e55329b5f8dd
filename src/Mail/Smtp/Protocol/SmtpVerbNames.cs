namespace Exim.Mail.Smtp.Protocol;

/// <summary>Each verb's name as a constant string, for the session state the daemon's status shows (no string per command).</summary>
internal static class SmtpVerbNames
{
    private static readonly string[] Names =
        ["unknown", "HELO", "EHLO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT", "VRFY", "EXPN", "HELP", "STARTTLS", "AUTH"];

    public static string Of(SmtpVerb verb) => (int)verb < Names.Length ? Names[(int)verb] : "unknown";
}
