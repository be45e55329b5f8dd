using Exim.Abstractions.Diagnostics;
using System.Globalization;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Policy;
using Exim.Abstractions.Scripting;

namespace Exim.Mail.Smtp.Commands;

/// <summary>
/// HELO and EHLO: the name is checked as Exim's check_helo does, then the helo stage's policies decide (a refusal makes
/// the session forget the name, as Exim does), the transaction ends, and EHLO lists the extensions.
/// </summary>
internal sealed class HeloCommand(bool esmtp) : SmtpCommandHandler
{
    public static HeloCommand Helo { get; } = new(esmtp: false);
    public static HeloCommand Ehlo { get; } = new(esmtp: true);

    private string Verb => esmtp ? "EHLO" : "HELO";

    public override async ValueTask<SessionResult?> ExecuteAsync(SessionState session, string argument, string line)
    {
        var space = argument.IndexOf(' ', StringComparison.Ordinal);
        var name = space < 0 ? argument : argument[..space];
        if (name.Length == 0 || !(SmtpAddress.IsDomain(name) || SmtpAddress.IsAddressLiteral(name)))
        {
            EximMetrics.Rejected(RejectionStage.Helo);
            SmtpLog.RejectedHelo(session.Logger, Verb, session.Host, argument.Length == 0 ? "(no argument given)" : SessionState.P(argument));
            return session.ProtocolError($"501 Syntactically invalid {Verb} argument(s)", line);
        }
        if (session.Helo is not null && session.CountNonmail()) return session.TooManyNonmail(line);
        session.Helo = name;
        if (session.PolicyHandles(SmtpStage.Helo)
            && await session.DecideAsync(SmtpStage.Helo).ConfigureAwait(false) is { Kind: not VerdictKind.Accept } verdict)
        {
            var end = session.Refuse(verdict, $"{Verb} {SessionState.P(name)}", withSender: false);
            session.Helo = null;
            return end;
        }
        session.Esmtp = esmtp;
        session.TlsAdvertised = false;
        session.ResetTransaction();
        // Exim's "Hello [<ident> at ]<name>[ [<ip>]]": a local -bs session has an ident and no address.
        var hello = session.Connection.LocalUser is { } local ? $"{local.Login} at {name}" : $"{name} [{session.Connection.ClientIp}]";
        if (!esmtp)
        {
            session.Reply($"250 {session.Hostname} Hello {hello}");
            return null;
        }
        var limit = session.Settings.Main.MessageSizeLimit;
        var size = limit > 0 ? $"250-SIZE {limit.ToString(CultureInfo.InvariantCulture)}\r\n" : "250-SIZE\r\n";
        // Exim's order: ... PIPELINING, AUTH, CHUNKING, STARTTLS, ..., HELP. STARTTLS only with a certificate and never inside TLS.
        session.TlsAdvertised = await session.StartTlsAvailableAsync().ConfigureAwait(false);
        var startTls = session.TlsAdvertised ? "250-STARTTLS\r\n" : "";
        var auth = await Auth.AuthAdvertisement.LineAsync(session).ConfigureAwait(false);
        session.Reply($"250-{session.Hostname} Hello {hello}\r\n{size}250-8BITMIME\r\n250-PIPELINING\r\n{auth}{startTls}250 HELP");
        return null;
    }
}
