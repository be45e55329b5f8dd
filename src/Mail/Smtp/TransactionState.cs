namespace Exim.Mail.Smtp;

/// <summary>Where a session is in a mail transaction, as the state table (<see cref="SmtpStateTable"/>) sees it.</summary>
[Flags]
internal enum TransactionState : byte
{
    /// <summary>No transaction: no MAIL yet, or the last one ended (RSET, HELO, a message received or refused).</summary>
    Idle = 1,
    /// <summary>MAIL was accepted; no recipient yet.</summary>
    Mail = 2,
    /// <summary>At least one recipient was accepted (or discarded by policy): DATA may follow.</summary>
    Rcpt = 4,
    /// <summary>Any of them.</summary>
    Any = Idle | Mail | Rcpt,
}
