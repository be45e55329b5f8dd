using System.Text;
using Exim.Mail.Smtp.Protocol;

namespace Exim.Mail.Smtp;

/// <summary>
/// Exim's smtp_connection_had: the last 20 recognized commands of a session, for the <c>C=</c> list on the
/// "too many syntax or protocol errors" line (<c> C=EHLO,MAIL,RCPT</c>, or <c> C=...,</c> once older ones were dropped).
/// </summary>
internal sealed class CommandHistory
{
    private const int Size = 20;
    private readonly SmtpVerb[] _had = new SmtpVerb[Size];
    private int _next;

    public void Add(SmtpVerb verb)
    {
        if (verb == SmtpVerb.Unknown) return;
        _had[_next] = verb;
        _next = (_next + 1) % Size;
    }

    /// <summary>Exim's s_connhad_log: empty when nothing was recorded, else starting with a space.</summary>
    public string Format()
    {
        var sb = new StringBuilder();
        var sep = _had[Size - 1] != SmtpVerb.Unknown ? " C=..." : " C=";
        for (var k = 0; k < Size; k++)
        {
            var verb = _had[(_next + k) % Size];
            if (verb == SmtpVerb.Unknown) continue;
            sb.Append(sep).Append(Name(verb));
            sep = ",";
        }
        return sb.ToString();
    }

    private static string Name(SmtpVerb verb) => verb switch
    {
        SmtpVerb.Helo => "HELO",
        SmtpVerb.Ehlo => "EHLO",
        SmtpVerb.Mail => "MAIL",
        SmtpVerb.Rcpt => "RCPT",
        SmtpVerb.Data => "DATA",
        SmtpVerb.Rset => "RSET",
        SmtpVerb.Noop => "NOOP",
        SmtpVerb.Quit => "QUIT",
        SmtpVerb.Vrfy => "VRFY",
        SmtpVerb.Expn => "EXPN",
        SmtpVerb.Help => "HELP",
        SmtpVerb.StartTls => "STARTTLS",
        SmtpVerb.Auth => "AUTH",
        _ => "NONE",
    };
}
