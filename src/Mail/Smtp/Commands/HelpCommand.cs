using Exim.Abstractions.Daemon;

namespace Exim.Mail.Smtp.Commands;

/// <summary>
/// HELP, as Exim's smtp_in.c answers it: the commands supported, with AUTH when authenticators are configured and
/// STARTTLS when it would be advertised (a certificate, not yet in TLS, the client in tls_advertise_hosts). Counts
/// towards smtp_accept_max_nonmail.
/// </summary>
internal sealed class HelpCommand : SmtpCommandHandler
{
    public static HelpCommand Instance { get; } = new();

    public override async ValueTask<SessionResult?> ExecuteAsync(SessionState session, string argument, string line)
    {
        if (session.CountNonmail()) return session.TooManyNonmail(line);
        var auth = session.Settings.Authenticators.IsEmpty ? "" : " AUTH";
        var startTls = await session.StartTlsAvailableAsync().ConfigureAwait(false) ? " STARTTLS" : "";
        session.Reply($"214-Commands supported:\r\n214{auth}{startTls} HELO EHLO MAIL RCPT DATA NOOP QUIT RSET HELP");
        return null;
    }
}
