using Exim.Abstractions.Daemon;

namespace Exim.Mail.Smtp.Commands;

/// <summary>
/// The non-mail commands with a fixed answer (NOOP, RSET, VRFY, EXPN): each counts towards
/// smtp_accept_max_nonmail; RSET also ends the transaction.
/// </summary>
internal sealed class FixedReplyCommand(string reply, bool reset = false) : SmtpCommandHandler
{
    public static FixedReplyCommand Rset { get; } = new("250 Reset OK", reset: true);
    public static FixedReplyCommand Noop { get; } = new("250 OK");
    public static FixedReplyCommand Vrfy { get; } = new("252 VRFY not available");
    public static FixedReplyCommand Expn { get; } = new("550 Administrative prohibition");

    public override ValueTask<SessionResult?> ExecuteAsync(SessionState session, string argument, string line)
    {
        if (session.CountNonmail()) return new(session.TooManyNonmail(line));
        if (reset) session.ResetTransaction();
        session.Reply(reply);
        return new((SessionResult?)null);
    }
}
