using System.Buffers;
using System.Text;
using Exim.Abstractions.Daemon;
using Exim.Mail.Smtp.Protocol;
using Exim.Mail.Spool;

namespace Exim.Mail.Smtp;

/// <summary>DATA: the message is decoded as it arrives (<see cref="DataDecoder"/>), streamed to the spool, then committed.</summary>
internal sealed partial class SmtpSession
{
    private async Task<SessionResult?> DataAsync(string line)
    {
        if (_sender is null || _recipients.Count == 0)
        {
            return ProtocolError("503 valid RCPT command must precede DATA", line);
        }
        SpoolMessage message;
        try
        {
            message = _spool.Create(_queue);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            SmtpLog.SpoolFailed(_logger, "-", Host, e);
            Reply("451 Temporary local problem - please try later");
            ResetTransaction();
            return null;
        }
        _reader.StartData(_settings.Main.SmtpReceiveTimeout, _settings.Main.SmtpMinDataRate);
        Reply("354 Enter message, ending with \".\" on a line by itself");
        await FlushAsync().ConfigureAwait(false);

        var receiver = new MessageReceiver(message.Data, _settings.Main.MessageSizeLimit);
        var decoder = new DataDecoder(_settings.LocalInput);
        var scratch = ArrayPool<byte>.Shared.Rent(DataDecoder.MaxOutput(16 * 1024));
        try
        {
            while (!DecodeBuffered(decoder, receiver, ref scratch))
            {
                var status = await _reader.FillAsync().ConfigureAwait(false);
                if (status == ReadStatus.Data) continue;
                await FileSpool.AbandonAsync(message).ConfigureAwait(false);
                switch (status)
                {
                    case ReadStatus.Timeout:
                        // Silent for the whole timeout: Exim's line; still sending, but below the rate floor: ours.
                        if (_reader.SinceLastInput >= _settings.Main.SmtpReceiveTimeout) SmtpLog.DataTimeout(_logger, Host, P(_sender));
                        else SmtpLog.DataTooSlow(_logger, Host, P(_sender));
                        Reply($"421 {Hostname}: SMTP incoming data timeout - closing connection");
                        return new SessionResult(SessionOutcome.Timeout, _messages);
                    case ReadStatus.Shutdown:
                        return ShuttingDown();
                    default:
                        SmtpLog.LostInData(_logger, Host);
                        return new SessionResult(SessionOutcome.Dropped, _messages);
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
            SmtpLog.TooBig(_logger, P(_sender), Host, receiver.ReadAtLimit, _settings.Main.MessageSizeLimit, RejectLogDump.Format(_sender, _recipients, receiver.Headers));
            Reply("552 Message size exceeds maximum permitted");
            ResetTransaction();
            return null;
        }
        if (_forbidBareNewline && (decoder.BareLf > 0 || decoder.BareCr > 0))
        {
            await FileSpool.AbandonAsync(message).ConfigureAwait(false);
            var reason = decoder.BareLf > 0 ? "bare <LF> received" : "bare <CR> received";
            SmtpLog.RejectedAfterData(_logger, Host, P(_sender), reason, RejectLogDump.Format(_sender, _recipients, receiver.Headers));
            Reply("550 " + reason);
            ResetTransaction();
            return null;
        }

        await receiver.FinishAsync().ConfigureAwait(false);
        var now = _time.GetLocalNow();
        var headers = new List<string>(receiver.Headers.Count + 1) { ReceivedHeader(message.Id, now) };
        headers.AddRange(receiver.Headers);
        var envelope = new Envelope(_sender, [.. _recipients], now, _helo, _clientIp, _connection.Remote.Port,
            _connection.Local.Address.ToString(), _connection.Local.Port, _esmtp ? "esmtp" : "smtp", receiver.BodyLines, receiver.MaxLineLength);
        try
        {
            if (_settings.HostChecking) await FileSpool.AbandonAsync(message).ConfigureAwait(false);
            else await _spool.CommitAsync(message, envelope, headers, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            SmtpLog.SpoolFailed(_logger, message.Id, Host, e);
            await FileSpool.AbandonAsync(message).ConfigureAwait(false);
            Reply("451 Temporary local problem - please try later");
            ResetTransaction();
            return null;
        }

        _messages++;
        // Exim's S= (receive.c): the headers as written to -H (each with its newline, the new Received: included),
        // plus the -D file after its id line, plus one for the blank line that separates header and body.
        var size = receiver.HeaderBytes + Encoding.Latin1.GetByteCount(headers[0]) + 1 + receiver.BodyBytes + 1;
        SmtpLog.Received(_logger, message.Id, _sender.Length == 0 ? "<>" : P(_sender), Host, _esmtp ? "esmtp" : "smtp", size,
            _queue is null ? "" : " Q=" + _queue, receiver.MessageId is { } mid ? $" id={P(mid)}" : "");
        Reply($"250 OK id={message.Id}");
        if (_settings.HostChecking)
        {
            Reply("\r\n**** SMTP testing: that is not a real message id!\r\n");
            ResetTransaction();
            return null;
        }
        DecideDelivery(message.Ref);
        ResetTransaction();
        return null;
    }

    /// <summary>
    /// Decodes what the reader holds into the message; true once the end of DATA has been seen (what follows it stays
    /// buffered: the next commands). A synchronous step, as spans cannot live across awaits.
    /// </summary>
    private bool DecodeBuffered(DataDecoder decoder, MessageReceiver receiver, ref byte[] scratch)
    {
        var input = _reader.Buffered;
        if (input.IsEmpty) return false;
        var needed = DataDecoder.MaxOutput(input.Length);
        if (scratch.Length < needed)
        {
            ArrayPool<byte>.Shared.Return(scratch);
            scratch = ArrayPool<byte>.Shared.Rent(needed);
        }
        var ended = decoder.Decode(input, scratch, out var consumed, out var written);
        _reader.Advance(consumed);
        receiver.Add(scratch.AsSpan(0, written));
        return ended;
    }
}
