using System.Collections.Immutable;
using System.Globalization;
using Exim.Abstractions.Transports;
using Exim.Mail.Delivery;
using Exim.Mail.Resolution;
using Exim.Mail.Retry;

namespace Exim.Mail.Transports.Smtp;

/// <summary>
/// One MAIL/RCPT/DATA transaction on an open connection for up to max_rcpt recipients. With PIPELINING, MAIL, every
/// RCPT and DATA go out in one write and the replies are read in order; without it, each command waits for its reply.
/// Replies map to per-recipient results; a timeout or a lost connection is a host error for every recipient left.
/// </summary>
internal sealed class SmtpTransaction(SmtpClientConnection connection, DeliveryJob job, HostItem host, string[] recipients)
{
    /// <summary>What was last sent, for Exim's "after ..." in messages.</summary>
    public string Stage { get; private set; } = "initial connection";

    public async Task<TransactionOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var t = job.Transport;
        var mail = $"MAIL FROM:<{job.Message.Sender}>";
        if (connection.SizeOffered) mail += " SIZE=" + job.Message.Size.ToString(CultureInfo.InvariantCulture);
        var rcpts = recipients.Select(r => $"RCPT TO:<{r}>").ToArray();
        connection.Transactions++;

        SmtpReply? mailReply;
        var rcptReplies = new SmtpReply?[rcpts.Length];
        SmtpReply? dataReply = null;
        // Exim names the MAIL and DATA of a pipelined group "pipelined MAIL FROM:<...>" and "pipelined DATA" in its texts.
        var (mailStage, dataStage) = connection.Pipelining ? ("pipelined " + mail, "pipelined DATA") : (mail, "DATA");
        if (connection.Pipelining)
        {
            Stage = mailStage;
            await connection.SendAsync(string.Concat(mail, "\r\n", string.Join("", rcpts.Select(r => r + "\r\n")), "DATA\r\n"), t.CommandTimeout, cancellationToken).ConfigureAwait(false);
            mailReply = await connection.ReadReplyAsync(t.CommandTimeout, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < rcpts.Length && mailReply is not null; i++)
            {
                Stage = rcpts[i];
                rcptReplies[i] = await connection.ReadReplyAsync(t.CommandTimeout, cancellationToken).ConfigureAwait(false);
                if (rcptReplies[i] is null) return Lost(rcpts[i]);
            }
            Stage = dataStage;
            if (mailReply is not null) dataReply = await connection.ReadReplyAsync(t.CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (mailReply is null || dataReply is null) return Lost(mailReply is null ? mailStage : dataStage);
        }
        else
        {
            Stage = mail;
            mailReply = await CommandAsync(mail, cancellationToken).ConfigureAwait(false);
            if (mailReply is null) return Lost(mail);
            for (var i = 0; i < rcpts.Length && mailReply.IsPositive; i++)
            {
                Stage = rcpts[i];
                rcptReplies[i] = await CommandAsync(rcpts[i], cancellationToken).ConfigureAwait(false);
                if (rcptReplies[i] is null) return Lost(rcpts[i]);
            }
        }

        if (!mailReply.IsPositive)
        {
            // The RCPT and DATA replies (when pipelined) only echo the MAIL failure.
            if (dataReply is { Code: 354 }) await AbandonDataAsync(cancellationToken).ConfigureAwait(false);
            await ResetAsync(cancellationToken).ConfigureAwait(false);
            return new TransactionOutcome([.. recipients.Select(r => FromReply(r, mailReply, mailStage, Errno.Mail4xx, "mail_4xx"))], null);
        }

        var results = new List<RecipientResult>();
        var accepted = new List<string>();
        for (var i = 0; i < recipients.Length; i++)
        {
            if (rcptReplies[i]!.IsPositive) accepted.Add(recipients[i]);
            else results.Add(FromReply(recipients[i], rcptReplies[i]!, rcpts[i], Errno.Rcpt4xx, "rcpt_4xx"));
        }
        if (accepted.Count == 0)
        {
            if (dataReply is { Code: 354 }) await AbandonDataAsync(cancellationToken).ConfigureAwait(false);
            await ResetAsync(cancellationToken).ConfigureAwait(false);
            return new TransactionOutcome([.. results], null);
        }

        if (!connection.Pipelining)
        {
            Stage = "DATA";
            dataReply = await CommandAsync("DATA", cancellationToken).ConfigureAwait(false);
            if (dataReply is null) return Lost("DATA", results);
        }
        if (dataReply!.Code != 354)
        {
            await ResetAsync(cancellationToken).ConfigureAwait(false);
            results.AddRange(accepted.Select(r => FromReply(r, dataReply, dataStage, Errno.Data4xx, "data_4xx")));
            return new TransactionOutcome([.. results], null);
        }

        Stage = "end of data";
        await SendMessageAsync(cancellationToken).ConfigureAwait(false);
        var final = await connection.ReadReplyAsync(t.DataTimeout, cancellationToken).ConfigureAwait(false);
        if (final is null) return Lost("end of data", results);
        if (final.IsPositive)
        {
            // One delivery of several addresses: Exim logs the first with "=>" and the others with "->".
            var confirmation = final.Text;
            results.AddRange(accepted.Select((r, i) => new RecipientResult(r, RecipientStatus.Delivered, Host: host, Confirmation: confirmation, Additional: i > 0,
                Tls: connection.Tls, Authenticator: connection.Authenticator)));
        }
        else
        {
            results.AddRange(accepted.Select(r => FromReply(r, final, "end of data", Errno.Data4xx, "data_4xx")));
        }
        return new TransactionOutcome([.. results], null);
    }

    private async Task<SmtpReply?> CommandAsync(string command, CancellationToken cancellationToken)
    {
        await connection.SendAsync(command + "\r\n", job.Transport.CommandTimeout, cancellationToken).ConfigureAwait(false);
        return await connection.ReadReplyAsync(job.Transport.CommandTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Headers, the blank line and the body, dot-stuffed with CRLF line ends, then the terminating dot.</summary>
    private async Task SendMessageAsync(CancellationToken cancellationToken)
    {
        await using var data = new SmtpDataStream(connection, job.Transport.DataTimeout);
        await job.Message.WriteToAsync(data, MessageWriteOptions.CrLf | MessageWriteOptions.DotStuff, cancellationToken).ConfigureAwait(false);
        await data.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A 354 we cannot use (no recipient was accepted): send an empty message's end so the server stays in step.</summary>
    private async Task AbandonDataAsync(CancellationToken cancellationToken)
    {
        await connection.SendAsync(".\r\n", job.Transport.DataTimeout, cancellationToken).ConfigureAwait(false);
        await connection.ReadReplyAsync(job.Transport.DataTimeout, cancellationToken).ConfigureAwait(false);
    }

    private async Task ResetAsync(CancellationToken cancellationToken)
    {
        Stage = "RSET";
        await CommandAsync("RSET", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A recipient's result from an error reply, as Exim words it; a 4xx carries <paramref name="temporaryErrno"/>, a 5xx no errno.</summary>
    private RecipientResult FromReply(string recipient, SmtpReply reply, string after, int temporaryErrno, string temporaryError)
        => new(recipient, reply.IsTemporary ? RecipientStatus.Deferred : RecipientStatus.Failed,
            $"SMTP error from remote mail server after {after}: {reply.Text}", reply.IsTemporary ? temporaryErrno : 0, host,
            RetryKey: reply.IsTemporary ? RetryKeys.Address(recipient) : null, ErrorName: temporaryError, Tls: connection.Tls);

    private TransactionOutcome Lost(string after, List<RecipientResult>? decided = null)
        => new([.. decided ?? []], new TransactionError(Errno.SmtpClosed, $"Remote host closed connection in response to {after}", "lost_connection"));
}
