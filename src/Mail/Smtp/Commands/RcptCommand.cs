using Exim.Abstractions.Diagnostics;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Matching;
using Exim.Abstractions.Policy;
using Exim.Abstractions.Scripting;

namespace Exim.Mail.Smtp.Commands;

/// <summary>
/// RCPT TO: the path (no parameters are offered), postmaster qualified with qualify_recipient, recipients_max,
/// Exim's restricted characters, and relay control (local_domains, relay_to_domains, relay_from_hosts, or an
/// authenticated client); then the rcpt
/// stage's policies: a refused recipient is not added (the others are), a discarded one gets 250 and is dropped.
/// </summary>
internal sealed class RcptCommand : SmtpCommandHandler
{
    public static RcptCommand Instance { get; } = new();

    public override async ValueTask<SessionResult?> ExecuteAsync(SessionState session, string argument, string line)
    {
        if (argument.Length == 0)
        {
            session.SyntaxError(line, "RCPT must have an address operand");
            return session.ProtocolError("501 RCPT must have an address operand", line);
        }
        if (!argument.StartsWith("TO:", StringComparison.OrdinalIgnoreCase))
        {
            return session.MalformedAddress(argument, line, "malformed address");
        }
        var path = argument[3..];
        if (!SmtpAddress.TryParsePath(path, out var address, out var parameters, out var written) || address.Length == 0)
        {
            return session.MalformedAddress(path, line, "malformed address");
        }
        if (parameters.Length > 0)
        {
            // No RCPT parameters are offered (no DSN): Exim then parses them as part of the address.
            return session.MalformedAddress(path, line, $"malformed address: {SessionState.Truncate32(parameters)} may not follow {written}");
        }
        var sender = session.Sender!;
        var (local, domain) = SmtpAddress.Split(address);
        var postmaster = false;
        if (domain.Length == 0)
        {
            if (!address.Equals("postmaster", StringComparison.OrdinalIgnoreCase))
            {
                session.Reply($"501 {SessionState.Echo(written)}: recipient address must contain a domain");
                EximMetrics.Rejected(RejectionStage.Rcpt);
                SmtpLog.Unqualified(session.Logger, "recipient", SessionState.P(address), session.Host);
                return null;
            }
            // RFC 5321 §4.5.1: the reserved mailbox postmaster is accepted without a domain, and qualified here.
            domain = session.Settings.Main.QualifyRecipient;
            address = $"{address}@{domain}";
            postmaster = true;
        }
        var max = session.Settings.Main.RecipientsMax;
        if (max > 0 && session.Recipients.Count >= max)
        {
            session.Reply("452 too many recipients");
            if (!session.TooManyRecipientsLogged) SmtpLog.TooManyRecipients(session.Logger, SessionState.P(sender), session.Host);
            session.TooManyRecipientsLogged = true;
            return null;
        }
        // %-hacks, !-paths, embedded @ and leading dots never reach routing: they are how open relays happen by accident.
        // Checked on the local part as routing sees it, with its quoting removed ("..", "\.\." are "..").
        var dequoted = Routing.LocalPart.Unquote(local);
        if (dequoted.StartsWith('.') || dequoted.AsSpan().IndexOfAny("@%!/|") >= 0)
        {
            session.Reply("550 restricted characters in address");
            EximMetrics.Rejected(RejectionStage.Rcpt);
            SmtpLog.RejectedRcpt(session.Logger, session.Host, SessionState.P(sender), SessionState.P(address), "restricted characters in address");
            return null;
        }
        var settings = session.Settings;
        // An authenticated client may relay, as Exim's default configuration lets it ("accept authenticated = *").
        if (!postmaster && !settings.LocalDomains.Matches(domain) && !settings.RelayToDomains.Matches(domain)
            && session.Connection.Description.Authenticator is null && session.Connection.LocalUser is null) // a local -bs user may relay, as Exim's "hosts = :"
        {
            switch (await session.MatchAsync(settings.RelayFromHosts).ConfigureAwait(false))
            {
                case HostListMatch.NoMatch:
                    session.Reply("550 relay not permitted");
                    EximMetrics.Rejected(RejectionStage.Rcpt);
                    SmtpLog.RejectedRcpt(session.Logger, session.Host, SessionState.P(sender), SessionState.P(address), "relay not permitted");
                    return null;
                case HostListMatch.Defer:
                    // Exim's ACL defer: a host name lookup for relay_from_hosts did not complete.
                    session.Reply("451 Temporary local problem - please try later");
                    EximMetrics.Rejected(RejectionStage.Rcpt);
                    SmtpLog.TemporarilyRejectedRcpt(session.Logger, session.Host, SessionState.P(sender), SessionState.P(address), "host lookup for relay_from_hosts did not complete");
                    return null;
            }
        }
        if (session.MailDiscarded)
        {
            Discarded(session, sender, written, "MAIL", null);
            return null;
        }
        if (session.PolicyHandles(SmtpStage.Rcpt))
        {
            var verdict = await session.DecideAsync(SmtpStage.Rcpt, recipient: address).ConfigureAwait(false);
            switch (verdict.Kind)
            {
                case VerdictKind.Discard:
                    Discarded(session, sender, written, "RCPT", verdict.LogText);
                    return null;
                case not VerdictKind.Accept:
                    return session.Refuse(verdict, $"RCPT {SessionState.P(written)}", withSender: true);
            }
        }
        session.Recipients.Add(address);
        session.Reply("250 Accepted");
        return null;
    }

    /// <summary>Exim's discard at RCPT: the client is told 250, the recipient is dropped, and the main and reject logs say so.</summary>
    private static void Discarded(SessionState session, string sender, string written, string by, string? log)
    {
        session.Reply("250 Accepted");
        session.RecipientsDiscarded = true;
        SmtpLog.RcptDiscarded(session.Logger, session.Host, SessionState.P(sender), SessionState.P(written), by, log is null ? "" : ": " + log);
    }
}
