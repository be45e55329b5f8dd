using System.Buffers;
using System.Text;
using Exim.Abstractions.Daemon;
using Exim.Mail.Smtp.Protocol;
using Exim.Mail.Spool;

namespace Exim.Mail.Smtp.Commands;

/// <summary>
/// DATA: the message is decoded as it arrives (<see cref="DataDecoder"/>), streamed into the spool's -D file, checked
/// (size, bare line ends), then committed; 250 is sent only once the spool says it is durable.
/// </summary>
internal sealed class DataCommand : SmtpCommandHandler
{
    public static DataCommand Instance { get; } = new();

    public override async ValueTask<SessionResult?> ExecuteAsync(SessionState session, string argument, string line)
    {
        var sender = session.Sender!;
        var main = session.Settings.Main;
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
            SmtpLog.RejectedAfterData(session.Logger, session.Host, SessionState.P(sender), reason, RejectLogDump.Format(sender, session.Recipients, receiver.Headers));
            session.Reply("550 " + reason);
            session.ResetTransaction();
            return null;
        }

        await receiver.FinishAsync().ConfigureAwait(false);
        var now = session.Time.GetLocalNow();
        var headers = new List<string>(receiver.Headers.Count + 1) { session.ReceivedHeader(message.Id, now) };
        headers.AddRange(receiver.Headers);
        var connection = session.Connection;
        var envelope = new Envelope(sender, [.. session.Recipients], now, session.Helo, connection.ClientIp, connection.Remote.Port,
            connection.Local.Address.ToString(), connection.Local.Port, session.Esmtp ? "esmtp" : "smtp", receiver.BodyLines, receiver.MaxLineLength);
        try
        {
            if (session.Settings.HostChecking) await FileSpool.AbandonAsync(message).ConfigureAwait(false);
            else await session.Spool.CommitAsync(message, envelope, headers, CancellationToken.None).ConfigureAwait(false);
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
        // Exim's S= (receive.c): the headers as written to -H (each with its newline, the new Received: included),
        // plus the -D file after its id line, plus one for the blank line that separates header and body.
        var size = receiver.HeaderBytes + Encoding.Latin1.GetByteCount(headers[0]) + 1 + receiver.BodyBytes + 1;
        SmtpLog.Received(session.Logger, message.Id, sender.Length == 0 ? "<>" : SessionState.P(sender), session.Host, session.Esmtp ? "esmtp" : "smtp", size,
            session.Queue is null ? "" : " Q=" + session.Queue, receiver.MessageId is { } mid ? $" id={SessionState.P(mid)}" : "");
        session.Reply($"250 OK id={message.Id}");
        if (session.Settings.HostChecking)
        {
            session.Reply("\r\n**** SMTP testing: that is not a real message id!\r\n");
            session.ResetTransaction();
            return null;
        }
        session.DecideDelivery(message.Ref);
        session.ResetTransaction();
        return null;
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
