using System.Globalization;
using Exim.Abstractions.Daemon;

namespace Exim.Mail.Smtp.Commands;

/// <summary>HELO and EHLO: the name is checked as Exim's check_helo does, the transaction ends, and EHLO lists the extensions.</summary>
internal sealed class HeloCommand(bool esmtp) : SmtpCommandHandler
{
    public static HeloCommand Helo { get; } = new(esmtp: false);
    public static HeloCommand Ehlo { get; } = new(esmtp: true);

    private string Verb => esmtp ? "EHLO" : "HELO";

    public override ValueTask<SessionResult?> ExecuteAsync(SessionState session, string argument, string line)
    {
        var space = argument.IndexOf(' ', StringComparison.Ordinal);
        var name = space < 0 ? argument : argument[..space];
        if (name.Length == 0 || !(SmtpAddress.IsDomain(name) || SmtpAddress.IsAddressLiteral(name)))
        {
            SmtpLog.RejectedHelo(session.Logger, Verb, session.Host, argument.Length == 0 ? "(no argument given)" : SessionState.P(argument));
            return new(session.ProtocolError($"501 Syntactically invalid {Verb} argument(s)", line));
        }
        if (session.Helo is not null && session.CountNonmail()) return new(session.TooManyNonmail(line));
        session.Helo = name;
        session.Esmtp = esmtp;
        session.ResetTransaction();
        var clientIp = session.Connection.ClientIp;
        if (!esmtp)
        {
            session.Reply($"250 {session.Hostname} Hello {name} [{clientIp}]");
            return new((SessionResult?)null);
        }
        var limit = session.Settings.Main.MessageSizeLimit;
        var size = limit > 0 ? $"250-SIZE {limit.ToString(CultureInfo.InvariantCulture)}\r\n" : "250-SIZE\r\n";
        session.Reply($"250-{session.Hostname} Hello {name} [{clientIp}]\r\n{size}250-8BITMIME\r\n250-PIPELINING\r\n250 HELP");
        return new((SessionResult?)null);
    }
}
