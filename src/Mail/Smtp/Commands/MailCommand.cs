using Exim.Abstractions.Diagnostics;
using System.Globalization;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Policy;
using Exim.Abstractions.Scripting;

namespace Exim.Mail.Smtp.Commands;

/// <summary>
/// MAIL FROM: Exim's per-connection message limit, the path and its parameters (SIZE, BODY, AUTH; anything else is taken as
/// part of the address, as Exim does), the declared size against message_size_limit, a qualified sender; then the mail
/// stage's policies (Discard there discards every recipient of the transaction, as Exim's MAIL ACL discard does).
/// </summary>
internal sealed class MailCommand : SmtpCommandHandler
{
    public static MailCommand Instance { get; } = new();

    public override async ValueTask<SessionResult?> ExecuteAsync(SessionState session, string argument, string line)
    {
        var main = session.Settings.Main;
        var max = main.SmtpAcceptMaxPerConnection;
        if (max > 0 && session.Messages >= max)
        {
            EximMetrics.Rejected(RejectionStage.Mail);
            SmtpLog.TooManyMessages(session.Logger, session.Host);
            session.Reply("421 too many messages in this connection");
            return session.End(SessionOutcome.Closed);
        }
        if (!argument.StartsWith("FROM:", StringComparison.OrdinalIgnoreCase))
        {
            return session.MalformedAddress(argument, line, "malformed address");
        }
        var path = argument[5..];
        if (!SmtpAddress.TryParsePath(path, out var address, out var parameters, out var written))
        {
            return session.MalformedAddress(path, line, "malformed address");
        }
        long declared = -1;
        string? authSender = null;
        foreach (var p in parameters.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? p : p[..eq];
            var value = eq < 0 ? "" : p[(eq + 1)..];
            if (session.Esmtp && key.Equals("SIZE", StringComparison.OrdinalIgnoreCase) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            {
                declared = size;
            }
            else if (session.Esmtp && key.Equals("BODY", StringComparison.OrdinalIgnoreCase) && eq > 0)
            {
                if (!(value.Equals("7BIT", StringComparison.OrdinalIgnoreCase) || value.Equals("8BITMIME", StringComparison.OrdinalIgnoreCase)))
                {
                    session.SyntaxError(line, "invalid data for BODY");
                    return session.ProtocolError("501 invalid data for BODY", line);
                }
            }
            else if (session.Esmtp && key.Equals("AUTH", StringComparison.OrdinalIgnoreCase) && eq > 0)
            {
                // RFC 4954 §5: the sender as the client's authentication knows it, kept only from an authenticated client.
                if (value == "<>") continue;
                if (!Auth.XText.TryDecode(value, out var decoded))
                {
                    session.SyntaxError(line, "invalid data for AUTH");
                    return session.ProtocolError("501 invalid data for AUTH", line);
                }
                if (session.Connection.Description.Authenticator is null) SmtpLog.IgnoringAuthSender(session.Logger, SessionState.P(value), session.Host, "client not authenticated");
                else authSender = decoded;
            }
            else
            {
                // Exim takes an unknown parameter as part of the address, which then does not parse.
                return session.MalformedAddress(path, line, $"malformed address: {SessionState.Truncate32(parameters)} may not follow {written}");
            }
        }
        if (declared >= 0 && main.MessageSizeLimit > 0 && declared > main.MessageSizeLimit)
        {
            session.Reply("552 Message size exceeds maximum permitted");
            EximMetrics.Rejected(RejectionStage.Mail);
            SmtpLog.MailTooBig(session.Logger, SessionState.P(address), session.Host, declared, main.MessageSizeLimit);
            return null;
        }
        if (address.Length > 0 && SmtpAddress.Split(address).Domain.Length == 0)
        {
            session.Reply($"501 {SessionState.Echo(written)}: sender address must contain a domain");
            EximMetrics.Rejected(RejectionStage.Mail);
            SmtpLog.Unqualified(session.Logger, "sender", SessionState.P(address), session.Host);
            return null;
        }
        session.Sender = address;
        session.DeclaredSize = declared;
        session.AuthenticatedSender = authSender;
        if (session.PolicyHandles(SmtpStage.Mail))
        {
            var verdict = await session.DecideAsync(SmtpStage.Mail).ConfigureAwait(false);
            if (verdict.Kind == VerdictKind.Discard)
            {
                session.MailDiscarded = true;
            }
            else if (verdict.Kind != VerdictKind.Accept)
            {
                var end = session.Refuse(verdict, $"MAIL {SessionState.P(written)}", withSender: false);
                session.Sender = null;
                return end;
            }
        }
        session.ResetNonmail();
        session.Reader.ClearSessionDeadline();
        session.Reply("250 OK");
        return null;
    }
}
