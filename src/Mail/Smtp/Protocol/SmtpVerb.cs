namespace Exim.Mail.Smtp.Protocol;

/// <summary>The commands the session knows; <see cref="Unknown"/> for everything else.</summary>
internal enum SmtpVerb : byte
{
    Unknown,
    Helo,
    Ehlo,
    Mail,
    Rcpt,
    Data,
    Rset,
    Noop,
    Quit,
    Vrfy,
    Expn,
    Help,
    StartTls,
    Auth,
}
