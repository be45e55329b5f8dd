using Exim.Mail.Logging;
using Exim.Abstractions.Diagnostics;
using System.Buffers;
using System.Text;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Policy;
using Exim.Abstractions.Scripting;
using Exim.Mail.Smtp.Policy;
using Exim.Mail.Smtp.Protocol;
using Exim.Mail.Spool;

namespace Exim.Mail.Smtp.Commands;

/// <summary>
/// DATA: the predata stage's policies decide before 354; the message is decoded as it arrives (<see cref="DataDecoder"/>),
/// streamed into the spool's -D file and checked (size, bare line ends); then the data stage's policies decide while it
/// is spooled but not committed, their modifiers (headers, queue, freeze) go into its -H file, and it is committed: 250
/// is sent only once the spool says it is durable. A message whose recipients policies all discarded is read and thrown
/// away, as Exim's blackhole.
/// </summary>
internal sealed class DataCommand : SmtpCommandHandler
{
    public static DataCommand Instance { get; } = new();

    public override async ValueTask<SessionResult?> ExecuteAsync(SessionState session, string argument, string line)
    {
        var sender = session.Sender!;
        var main = session.Settings.Main;
        if (session.PolicyHandles(SmtpStage.Predata)
            && await session.DecideAsync(SmtpStage.Predata).ConfigureAwait(false) is { Kind: not VerdictKind.Accept } predata)
        {
            return session.Refuse(predata, "DATA", withSender: false); // the transaction stays, as in Exim
        }
        SpoolMessage message;
        try
        {
            message = session.Spool.Create(session.Queue);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            SmtpLog.SpoolFailed(session.Logger, "-", session.Host, e);
            session.Reply("451 Temporary local problem - please try later");
            session.ResetTransaction();
            return null;
        }
        var reader = session.Reader;
        reader.StartData(main.SmtpReceiveTimeout, main.SmtpMinDataRate);
        session.Reply("354 Enter message, ending with \".\" on a line by itself");
        await session.FlushAsync().ConfigureAwait(false);

        var receiver = new MessageReceiver(message.Data, main.MessageSizeLimit);
        var decoder = new DataDecoder(session.Settings.LocalInput);
        var scratch = ArrayPool<byte>.Shared.Rent(DataDecoder.MaxOutput(16 * 1024));
        try
        {
            while (!DecodeBuffered(reader, decoder, receiver, ref scratch))
            {
                var status = await reader.FillAsync().ConfigureAwait(false);
                if (status == ReadStatus.Data) continue;
                await FileSpool.AbandonAsync(message).ConfigureAwait(false);
                switch (status)
                {
                    case ReadStatus.Timeout:
                        // Silent for the whole timeout: Exim's line; still sending, but below the rate floor: ours.
                        if (reader.SinceLastInput >= main.SmtpReceiveTimeout) SmtpLog.DataTimeout(session.Logger, session.Host, SessionState.P(sender));
                        else SmtpLog.DataTooSlow(session.Logger, session.Host, SessionState.P(sender));
                        session.Reply($"421 {session.Hostname}: SMTP incoming data timeout - closing connection");
                        return session.End(SessionOutcome.Timeout);
                    case ReadStatus.Shutdown:
                        return session.ShuttingDown();
                    default:
                        SmtpLog.LostInData(session.Logger, session.Host);
                        return session.End(SessionOutcome.Dropped);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }

        if (receiver.TooBig)
        {
            await FileSpool.AbandonAsync(message).ConfigureAwait(false);
            EximMetrics.Rejected(RejectionStage.Data);
            SmtpLog.TooBig(session.Logger, SessionState.P(sender), session.Host, receiver.ReadAtLimit, main.MessageSizeLimit,
                RejectLogDump.Format(sender, session.Recipients, receiver.Headers));
            session.Reply("552 Message size exceeds maximum permitted");
            session.ResetTransaction();
            return null;
        }
        if (session.ForbidBareNewline && (decoder.BareLf > 0 || decoder.BareCr > 0))
        {
            await FileSpool.AbandonAsync(message).ConfigureAwait(false);
            var reason = decoder.BareLf > 0 ? "bare <LF> received" : "bare <CR> received";
            EximMetrics.Rejected(RejectionStage.Data);
            SmtpLog.RejectedAfterData(session.Logger, session.Host, SessionState.P(sender), reason, RejectLogDump.Format(sender, session.Recipients, receiver.Headers));
            session.Reply("550 " + reason);
            session.ResetTransaction();
            return null;
        }

        await receiver.FinishAsync().ConfigureAwait(false);
        var local = session.Connection.LocalUser;
        if (local is not null) session.Sender = sender = Submission.LocalSmtpRules.Sender(main, local, sender); // -bs: Exim's real_sender_address
        var now = session.Time.GetLocalNow();
        var headers = new List<string>(receiver.Headers.Count + 1) { session.ReceivedHeader(message.Id, now) };
        headers.AddRange(receiver.Headers);
        // Exim's S= (receive.c): the headers as written to -H (each with its newline, the new Received: included),
        // plus the -D file after its id line, plus one for the blank line that separates header and body.
        var size = receiver.HeaderBytes + Encoding.Latin1.GetByteCount(headers[0]) + 1 + receiver.BodyBytes + 1;

        if (session.Recipients.Count == 0)
        {
            // Every recipient was discarded: read, acknowledged and thrown away (Exim's blackhole).
            return await BlackholeAsync(session, message, size, receiver.MessageId, session.MailDiscarded ? "MAIL" : "RCPT", null).ConfigureAwait(false);
        }
        IReadOnlyList<SpoolHeaderLine> lines = SpoolHeaderFile.Lines(headers);
        if (local is not null)
        {
            // -bs: Exim's fix-ups of a local message (From:, Sender:, a missing Date: and Message-Id:) are made before the
            // data stage, which sees their result, as Exim's data ACL does.
            (lines, size) = Submission.LocalSmtpRules.FixUp(main, local, sender, message.Id, now, lines, receiver.BodyBytes);
            headers = [.. SpoolHeaderFile.Visible(lines)];
        }
        if (session.PolicyHandles(SmtpStage.Data))
        {
            Verdict verdict;
            using (var staged = new SpoolStageMessage(message.Id, message.DataPath, headers, size, receiver.BodyLines))
            {
                verdict = await session.DecideAsync(SmtpStage.Data, message: staged).ConfigureAwait(false);
            }
            switch (verdict.Kind)
            {
                case VerdictKind.Discard:
                    return await BlackholeAsync(session, message, size, receiver.MessageId, "DATA", verdict.LogText).ConfigureAwait(false);
                case not VerdictKind.Accept:
                    await FileSpool.AbandonAsync(message).ConfigureAwait(false);
                    var end = session.Refuse(verdict, "after DATA", withSender: true, RejectLogDump.Format(sender, session.Recipients, receiver.Headers));
                    session.ResetTransaction();
                    return end;
            }
        }

        var modifiers = Modifiers(session);
        if (modifiers is not null) (lines, size) = modifiers.Apply(lines, size);
        var frozen = modifiers?.Frozen == true;
        var connection = session.Connection;
        var envelope = new Envelope(sender, [.. session.Recipients], now, session.Helo, connection.ClientIp, connection.Remote.Port,
            connection.Local.Address.ToString(), connection.Local.Port, session.Protocol, receiver.BodyLines, receiver.MaxLineLength)
        {
            FrozenAt = frozen ? now : null,
            Tls = connection.Description.TlsSession,
            Authenticated = Authenticated(session),
            AuthenticatedSender = session.AuthenticatedSender is { } authSender ? SessionState.P(authSender) : null,
        };
        if (local is not null)
        {
            envelope = envelope with { HostAddress = null, HostPort = null, InterfaceAddress = null, InterfacePort = null, Originator = (local.Login, local.Uid, local.Gid) };
        }
        try
        {
            if (modifiers?.Queue is { } queue && !string.Equals(queue, message.Queue, StringComparison.Ordinal)) message = session.Spool.MoveToQueue(message, queue);
            if (session.Settings.HostChecking) await FileSpool.AbandonAsync(message).ConfigureAwait(false);
            else await session.Spool.CommitAsync(message, envelope, lines, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            SmtpLog.SpoolFailed(session.Logger, message.Id, session.Host, e);
            await FileSpool.AbandonAsync(message).ConfigureAwait(false);
            session.Reply("451 Temporary local problem - please try later");
            session.ResetTransaction();
            return null;
        }

        session.Messages++;
        EximMetrics.MessageReceived(size);
        LogReceived(session, message.Id, message.Queue, message.InputDirectory, size, receiver.MessageId, headers,
            messageLog: !session.Settings.HostChecking && session.Settings.Main.MessageLogs, frozen);
        if (frozen) SmtpLog.FrozenByPolicy(session.Logger, message.Id);
        session.Reply($"250 OK id={message.Id}");
        if (session.Settings.HostChecking)
        {
            session.Reply("\r\n**** SMTP testing: that is not a real message id!\r\n");
            session.ResetTransaction();
            return null;
        }
        if (!frozen) session.DecideDelivery(message.Ref, policyQueueOnly: modifiers?.QueueOnly == true);
        session.ResetTransaction();
        return null;
    }

    /// <summary>
    /// The <c>&lt;=</c> line; with <paramref name="messageLog"/>, also the new message's log (receive.c): <c>Received from</c>
    /// and the same fields, and <c>frozen by ACL</c> when a policy froze it. Written after the commit, before the message is
    /// handed on for delivery; a failure to write it is logged and loses nothing.
    /// </summary>
    private static void LogReceived(SessionState session, string id, string? queue, string inputDirectory, long size, string? messageId, IReadOnlyList<string>? headers,
        bool messageLog = false, bool frozen = false)
    {
        var sender = session.Sender!;
        var shown = sender.Length == 0 ? "<>" : SessionState.P(sender);
        var idText = (messageId is { } mid && session.Settings.Log.Has(LogSelection.MsgId) ? $" id={SessionState.P(mid)}" : "") + SelectedFields(session, headers);
        var queueText = queue is null ? "" : " Q=" + queue;
        string received;
        if (session.Connection.LocalUser is { } local)
        {
            Submission.SubmissionLog.Received(session.Logger, id, shown, local.Login, session.Protocol, size, idText);
            received = $"Received from {shown} U={local.Login} P={session.Protocol} S={size}{idText}";
        }
        else
        {
            var (tls, auth) = (TlsFields(session), Authenticated(session.Connection.Description));
            SmtpLog.Received(session.Logger, id, shown, session.Host, session.Protocol, tls, auth, size, queueText, idText);
            received = $"Received from {shown} H={session.Host} P={session.Protocol}{tls}{auth} S={size}{queueText}{idText}";
        }
        if (!messageLog) return;
        var now = session.Time.GetLocalNow().DateTime;
        var failed = frozen
            ? MessageLog.Append(inputDirectory, id, now, received, "frozen by ACL")
            : MessageLog.Append(inputDirectory, id, now, received);
        if (failed is not null) SmtpLog.MessageLogFailed(session.Logger, id, failed.Message);
    }

    /// <summary>
    /// The end of the <c>&lt;=</c> line as log_selector asks (receive.c): <c> T="subject"</c> (+subject: the first 100
    /// characters, <c>"</c> and <c>\</c> backslash-quoted) and <c> for a@b c@d</c> (+received_recipients).
    /// </summary>
    private static string SelectedFields(SessionState session, IReadOnlyList<string>? headers)
    {
        var log = session.Settings.Log;
        if (!log.Has(LogSelection.Subject) && !log.Has(LogSelection.ReceivedRecipients)) return "";
        var text = new StringBuilder();
        if (log.Has(LogSelection.Subject) && headers is not null && SubjectOf(headers) is { } subject)
        {
            text.Append(" T=\"");
            foreach (var c in subject.Length > 100 ? subject[..100] : subject)
            {
                if (c is '"' or '\\') text.Append('\\');
                text.Append(c);
            }
            text.Append('"');
        }
        if (log.Has(LogSelection.ReceivedRecipients))
        {
            text.Append(" for");
            foreach (var r in session.Recipients) text.Append(' ').Append(r);
        }
        return SessionState.P(text.ToString());
    }

    /// <summary>$h_subject: the first Subject header's value, without the leading white space and the final newline, RFC 2047 words decoded.</summary>
    private static string? SubjectOf(IReadOnlyList<string> headers)
    {
        foreach (var h in headers)
        {
            if (!h.StartsWith("Subject:", StringComparison.OrdinalIgnoreCase)) continue;
            var value = h["Subject:".Length..].TrimStart(' ', '\t').TrimEnd('\n', '\r');
            return value.Contains("=?", StringComparison.Ordinal) ? MimeKit.Utils.Rfc2047.DecodeText(Encoding.UTF8.GetBytes(value)) : value;
        }
        return null;
    }

    /// <summary>What the -H file records of the client's authentication, or null.</summary>
    private static (string, string, string?)? Authenticated(SessionState session)
    {
        var connection = session.Connection.Description;
        if (connection.Authenticator is not { } name) return null;
        foreach (var a in session.Settings.Authenticators)
        {
            if (a.Name == name) return (name, a.PublicName, connection.AuthenticatedId);
        }
        return (name, name, connection.AuthenticatedId);
    }

    /// <summary>Exim's <c>A=</c> field: <c> A=&lt;authenticator name&gt;[:&lt;authenticated id&gt;]</c>, or "".</summary>
    private static string Authenticated(Abstractions.Scripting.AcceptConnection connection)
        => connection.Authenticator is not { } name ? "" : connection.AuthenticatedId is { } id ? $" A={name}:{id}" : $" A={name}";

    /// <summary>
    /// Exim's TLS fields on the <c>&lt;=</c> line (receive.c, default log_selector): <c> X=TLS1.3:TLS_AES_256_GCM_SHA384:256
    /// CV=no</c>, and with +tls_sni <c> SNI=name</c> when the client sent one; empty in clear.
    /// </summary>
    private static string TlsFields(SessionState session)
    {
        if (session.Connection.Description.TlsSession is not { } tls) return "";
        var log = session.Settings.Log;
        var fields = (log.Has(LogSelection.TlsCipher) ? $" X={tls}" : "") + (log.Has(LogSelection.TlsCertificateVerified) ? $" CV={tls.CertificateVerified}" : "")
            + (log.Has(LogSelection.TlsPeerDn) && tls.PeerSubject is { } dn ? $" DN=\"{SessionState.P(dn)}\"" : "");
        return log.Has(LogSelection.TlsSni) && tls.Sni is { } sni ? $"{fields} SNI={SessionState.P(sni).Replace(" ", "\\x20", StringComparison.Ordinal)}" : fields;
    }

    /// <summary>
    /// A message policies threw away: logged as received, acknowledged with its id, then Exim's
    /// <c>=&gt; blackhole (DATA ACL discarded recipients)</c> and <c>Completed</c>; no -H file is ever written.
    /// </summary>
    private static async Task<SessionResult?> BlackholeAsync(SessionState session, SpoolMessage message, long size, string? messageId, string by, string? log)
    {
        await FileSpool.AbandonAsync(message).ConfigureAwait(false);
        LogReceived(session, message.Id, message.Queue, message.InputDirectory, size, messageId, null);
        session.Reply($"250 OK id={message.Id}");
        if (session.Settings.HostChecking) session.Reply("\r\n**** SMTP testing: that is not a real message id!\r\n");
        SmtpLog.Blackholed(session.Logger, message.Id, by, log is null ? "" : ": " + log);
        SmtpLog.Completed(session.Logger, message.Id);
        session.ResetTransaction();
        return null;
    }

    /// <summary>The modifiers accepting verdicts gave the connection and this message, or null when there are none.</summary>
    private static PolicyModifiers? Modifiers(SessionState session)
    {
        if (session.Policy is not { } policy || (policy.ForConnection.IsEmpty && policy.ForMessage.IsEmpty)) return null;
        var merged = new PolicyModifiers();
        merged.Add(policy.ForMessage);
        merged.Add(policy.ForConnection);
        return merged;
    }

    /// <summary>
    /// Decodes what the reader holds into the message; true once the end of DATA has been seen (what follows it stays
    /// buffered: the next commands). A synchronous step, as spans cannot live across awaits.
    /// </summary>
    private static bool DecodeBuffered(SmtpLineReader reader, DataDecoder decoder, MessageReceiver receiver, ref byte[] scratch)
    {
        var input = reader.Buffered;
        if (input.IsEmpty) return false;
        var needed = DataDecoder.MaxOutput(input.Length);
        if (scratch.Length < needed)
        {
            ArrayPool<byte>.Shared.Return(scratch);
            scratch = ArrayPool<byte>.Shared.Rent(needed);
        }
        var ended = decoder.Decode(input, scratch, out var consumed, out var written);
        reader.Advance(consumed);
        receiver.Add(scratch.AsSpan(0, written));
        return ended;
    }
}
