using Exim.Mail.Logging;
using Exim.Abstractions.Daemon;

namespace Exim.Mail.Smtp.Commands;

/// <summary>QUIT: Exim's 221 and the <c>closed by QUIT</c> line.</summary>
internal sealed class QuitCommand : SmtpCommandHandler
{
    public static QuitCommand Instance { get; } = new();

    public override ValueTask<SessionResult?> ExecuteAsync(SessionState session, string argument, string line)
    {
        session.Reply($"221 {session.Hostname} closing connection");
        if (session.Settings.Log.Has(LogSelection.SmtpConnection)) SmtpLog.ClosedByQuit(session.Logger, session.Host);
        return new(session.End(SessionOutcome.Quit));
    }
}
