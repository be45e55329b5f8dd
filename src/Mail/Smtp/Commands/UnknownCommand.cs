using Exim.Abstractions.Daemon;

namespace Exim.Mail.Smtp.Commands;

/// <summary>Anything that is not a command we know: a syntax error.</summary>
internal sealed class UnknownCommand : SmtpCommandHandler
{
    public static UnknownCommand Instance { get; } = new();

    public override ValueTask<SessionResult?> ExecuteAsync(SessionState session, string argument, string line)
    {
        session.SyntaxError(line, "unrecognized command");
        return new(session.ProtocolError("500 unrecognized command", line));
    }
}
