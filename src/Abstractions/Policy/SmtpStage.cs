namespace Exim.Abstractions.Policy;

/// <summary>
/// The points where policies decide: those of an SMTP session (Exim's connect, HELO, MAIL, RCPT, predata and DATA ACLs)
/// and the one of a message submitted locally without SMTP (Exim's non-SMTP ACL).
/// </summary>
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

    /// <summary>
    /// A message submitted locally without SMTP (<c>sendmail</c>, <c>exim -bm</c>, <c>exim -t</c>), read whole, fixed up
    /// and spooled but not yet committed (<c>[hooks] not_smtp</c>; Exim's acl_not_smtp). The context holds the sender,
    /// the recipients and the message; <c>Connection.LocalUser</c> is the submitting user. Reject and Defer refuse the
    /// message (the submitter is told why and nothing is kept), Discard accepts and drops it.
    /// </summary>
    NotSmtp,
}
