using Exim.Mail.Logging;
using Exim.Abstractions.Daemon;
using Exim.Mail.Smtp.Tls;

namespace Exim.Mail.Smtp.Commands;

/// <summary>
/// STARTTLS (RFC 3207, Exim's smtp_in.c): allowed only when the last EHLO advertised it; an implied RSET; whatever
/// the client sent after the command is thrown away before <c>220 TLS go ahead</c> (the command-injection attack,
/// CVE-2011-0411 elsewhere: nothing sent in clear is ever read as if it came over TLS); then the handshake. After it the
/// session starts again: the HELO name and ESMTP are forgotten. A handshake that fails closes the connection; a
/// STARTTLS inside TLS leaves the session answering <c>554 Security failure</c> to everything but QUIT, as Exim does.
/// </summary>
internal sealed class StartTlsCommand : SmtpCommandHandler
{
    public static StartTlsCommand Instance { get; } = new();

    /// <summary>How many commands a session that failed TLS is answered before it is closed (Exim has no limit).</summary>
    private const int SecurityFailureLimit = 20;

    public override async ValueTask<SessionResult?> ExecuteAsync(SessionState session, string argument, string line)
    {
        if (argument.Length > 0)
        {
            session.SyntaxError(line, "unexpected argument data");
            return session.ProtocolError("501 unexpected argument data", line);
        }
        if (!session.TlsAdvertised)
        {
            if (session.Settings.Log.Has(LogSelection.SmtpProtocolError)) SmtpLog.SynprotError(session.Logger, "protocol", SessionState.P(line), session.Host, "STARTTLS command used when not advertised");
            return session.ProtocolError("503 STARTTLS command used when not advertised", line);
        }
        session.ResetTransaction();
        var reader = session.Reader;
        if (session.Connection.Description.Tls)
        {
            TlsLog.HandshakeFailed(session.Logger, session.Host, "(STARTTLS received after TLS started): ");
            session.Reply("554 Already in TLS");
            return await SecurityFailureAsync(session).ConfigureAwait(false);
        }
        if (reader.HasBufferedInput)
        {
            TlsLog.InputAfterStartTls(session.Logger, reader.Buffered.Length, session.Host);
            reader.DiscardBuffered();
        }
        session.Reply("220 TLS go ahead");
        await session.FlushAsync().ConfigureAwait(false);
        if (await TlsHandshake.StartAsync(session.Connection, session.Settings.Tls!, session.Host).ConfigureAwait(false) is null)
        {
            // Exim goes on reading in clear, answering 554, but what follows a failed handshake is TLS records the
            // client thinks encrypted (TLS 1.3 clients finish before the server has checked their certificate): a
            // client waiting for its reply would hang until the timeout. Closing tells it at once.
            return session.End(SessionOutcome.Dropped);
        }
        reader.Transport = session.Connection.Transport;
        // RFC 3207 section 4.2: everything learnt from the client in clear is forgotten, its authentication too.
        session.Helo = null;
        session.Esmtp = false;
        session.AuthSeen = false; // Exim's auth_seen: the first AUTH over TLS is not a repeated one (smtp_accept_max_nonmail)
        session.Connection.Describe(session.Connection.Description with { AuthenticatedId = null, Authenticator = null });
        return null;
    }

    /// <summary>Exim after a failed tls_server_start: QUIT is answered, everything else gets 554, until the client goes.</summary>
    private static async ValueTask<SessionResult> SecurityFailureAsync(SessionState session)
    {
        var reader = session.Reader;
        for (var i = 0; i < SecurityFailureLimit; i++)
        {
            reader.StartLine(session.Settings.Main.SmtpReceiveTimeout);
            if (!reader.HasBufferedInput) await session.FlushAsync().ConfigureAwait(false);
            var (status, raw, _) = await reader.ReadLineAsync().ConfigureAwait(false);
            switch (status)
            {
                case ReadStatus.Closed:
                    TlsLog.ClosedByEof(session.Logger, session.Host);
                    return session.End(SessionOutcome.Dropped);
                case ReadStatus.Timeout:
                    SmtpLog.CommandTimeout(session.Logger, session.Host);
                    session.Reply($"421 {session.Hostname}: SMTP command timeout - closing connection");
                    return session.End(SessionOutcome.Timeout);
                case ReadStatus.Shutdown:
                    return session.ShuttingDown();
            }
            if (status == ReadStatus.Line && Protocol.SmtpCommandParser.Parse(raw.Span).Verb == Protocol.SmtpVerb.Quit)
            {
                return await QuitCommand.Instance.ExecuteAsync(session, "", "QUIT").ConfigureAwait(false) ?? session.End(SessionOutcome.Quit);
            }
            session.Reply("554 Security failure");
        }
        return session.End(SessionOutcome.Closed);
    }
}
