namespace Exim.Abstractions.Policy;

/// <summary>The points of an SMTP session where policies decide (Exim's connect, HELO, MAIL, RCPT, predata and DATA ACLs).</summary>
public enum SmtpStage
{
    /// <summary>A new connection, before the banner (<c>[hooks] accept</c>).</summary>
    Connect,

    /// <summary>After a valid HELO or EHLO (<c>[hooks] helo</c>).</summary>
    Helo,

    /// <summary>After a valid MAIL FROM (<c>[hooks] mail</c>).</summary>
    Mail,

    /// <summary>After each valid RCPT TO that passed relay control (<c>[hooks] rcpt</c>).</summary>
    Rcpt,

    /// <summary>On DATA, before 354 (<c>[hooks] predata</c>).</summary>
    Predata,

    /// <summary>After the final dot, before 250: the message is in the spool but not yet committed (<c>[hooks] data</c>).</summary>
    Data,
}
