using Exim.Mail.Smtp.Commands;
using Exim.Mail.Smtp.Protocol;

namespace Exim.Mail.Smtp;

/// <summary>
/// Which command is allowed when, as data (SmtpServer's state machine idea): for each verb its handler, the transaction
/// states it is allowed in and Exim's reply (a protocol error) where it is not, and whether a pipelining client must
/// wait for its reply before sending more (RFC 2920 §3.1; Exim's check_sync). Indexed by <see cref="SmtpVerb"/>.
/// </summary>
internal static class SmtpStateTable
{
    /// <summary>One verb's row.</summary>
    /// <param name="Handler">What the command does.</param>
    /// <param name="Allowed">The transaction states it may come in.</param>
    /// <param name="OutOfOrder">Exim's reply when it comes in another state.</param>
    /// <param name="MustBeLast">Whether nothing may be pipelined after it.</param>
    internal readonly record struct Row(SmtpCommandHandler Handler, TransactionState Allowed, string? OutOfOrder, bool MustBeLast);

    private static readonly Row[] Rows = Build();

    public static ref readonly Row For(SmtpVerb verb) => ref Rows[(int)verb];

    private static Row[] Build()
    {
        var rows = new Row[Enum.GetValues<SmtpVerb>().Length];
        rows[(int)SmtpVerb.Unknown] = new(UnknownCommand.Instance, TransactionState.Any, null, MustBeLast: false);
        rows[(int)SmtpVerb.Helo] = new(HeloCommand.Helo, TransactionState.Any, null, MustBeLast: true);
        rows[(int)SmtpVerb.Ehlo] = new(HeloCommand.Ehlo, TransactionState.Any, null, MustBeLast: true);
        rows[(int)SmtpVerb.Mail] = new(MailCommand.Instance, TransactionState.Idle, "503 sender already given", MustBeLast: false);
        rows[(int)SmtpVerb.Rcpt] = new(RcptCommand.Instance, TransactionState.Mail | TransactionState.Rcpt, "503 sender not yet given", MustBeLast: false);
        rows[(int)SmtpVerb.Data] = new(DataCommand.Instance, TransactionState.Rcpt, "503 valid RCPT command must precede DATA", MustBeLast: true);
        rows[(int)SmtpVerb.Rset] = new(FixedReplyCommand.Rset, TransactionState.Any, null, MustBeLast: false);
        rows[(int)SmtpVerb.Noop] = new(FixedReplyCommand.Noop, TransactionState.Any, null, MustBeLast: true);
        rows[(int)SmtpVerb.Vrfy] = new(FixedReplyCommand.Vrfy, TransactionState.Any, null, MustBeLast: true);
        rows[(int)SmtpVerb.Expn] = new(FixedReplyCommand.Expn, TransactionState.Any, null, MustBeLast: true);
        rows[(int)SmtpVerb.Help] = new(HelpCommand.Instance, TransactionState.Any, null, MustBeLast: true);
        // AUTH checks the transaction itself, after Exim's other checks and with its own text; like Exim, it need not be last.
        rows[(int)SmtpVerb.Auth] = new(AuthCommand.Instance, TransactionState.Any, null, MustBeLast: false);
        rows[(int)SmtpVerb.Quit] = new(QuitCommand.Instance, TransactionState.Any, null, MustBeLast: true);
        rows[(int)SmtpVerb.StartTls] = new(StartTlsCommand.Instance, TransactionState.Any, null, MustBeLast: true);
        foreach (var row in rows)
        {
            if (row.Handler is null) throw new InvalidOperationException("a verb has no row in the SMTP state table");
        }
        return rows;
    }
}
