using Exim.Abstractions.Daemon;

namespace Exim.Mail.Smtp.Commands;

/// <summary>
/// One SMTP command's behaviour. Handlers hold no state of their own (one instance serves every session); what a
/// session knows lives in its <see cref="SessionState"/>. The state table has already checked that the command is
/// allowed where the transaction is.
/// </summary>
internal abstract class SmtpCommandHandler
{
    /// <summary>Runs the command; the session's end when it must close, else null.</summary>
    /// <param name="session">The session.</param>
    /// <param name="argument">The argument (white space around it removed), as Latin-1.</param>
    /// <param name="line">The whole command line, as Latin-1 (for log lines).</param>
    public abstract ValueTask<SessionResult?> ExecuteAsync(SessionState session, string argument, string line);
}
