using Microsoft.Extensions.Logging;

namespace Exim.Mail.Smtp;

/// <summary>
/// Session log lines, in Exim 4.96's shapes (smtp_in.c, receive.c): operators grep for them and eximstats counts a
/// line with "rejected", "refused" or "dropped" as a rejection, so only rejections say so. Ids 3900–3999 also go to
/// the reject log, exactly the lines Exim writes with LOG_REJECT. Every client-originated argument has been through
/// <see cref="Text.ClientText.Printing(string)"/>.
/// </summary>
internal static partial class SmtpLog
{
    [LoggerMessage(3001, LogLevel.Information, "SMTP connection from {Who} (TCP/IP connection count = {Count})")]
    public static partial void Connection(ILogger logger, string who, int count);

    [LoggerMessage(3002, LogLevel.Information, "SMTP connection from {Who} closed by QUIT")]
    public static partial void ClosedByQuit(ILogger logger, string who);

    [LoggerMessage(3003, LogLevel.Information, "unexpected disconnection while reading SMTP command from {Who} D={Duration}s")]
    public static partial void Disconnected(ILogger logger, string who, long duration);

    [LoggerMessage(3004, LogLevel.Information, "SMTP command timeout on connection from {Who}")]
    public static partial void CommandTimeout(ILogger logger, string who);

    [LoggerMessage(3005, LogLevel.Information, "SMTP data timeout (message abandoned) on connection from {Who} F=<{Sender}>")]
    public static partial void DataTimeout(ILogger logger, string who, string sender);

    [LoggerMessage(3006, LogLevel.Information, "{Id} <= {Sender} H={Host} P={Protocol}{Tls}{Authenticated} S={Size}{Queue}{MessageId}")]
    public static partial void Received(ILogger logger, string id, string sender, string host, string protocol, string tls, string authenticated, long size, string queue, string messageId);

    [LoggerMessage(3007, LogLevel.Information, "SMTP connection from {Who} closed by daemon shutdown")]
    public static partial void ClosedByShutdown(ILogger logger, string who);

    [LoggerMessage(3008, LogLevel.Information, "{Id} no immediate delivery: {Reason}")]
    public static partial void NoImmediateDelivery(ILogger logger, string id, string reason);

    [LoggerMessage(3009, LogLevel.Error, "{Id} spool write failed for message from {Who}; 451 sent")]
    public static partial void SpoolFailed(ILogger logger, string id, string who, Exception exception);

    [LoggerMessage(3010, LogLevel.Information, "SMTP connection from {Who} lost while reading message data")]
    public static partial void LostInData(ILogger logger, string who);

    [LoggerMessage(3011, LogLevel.Information, "no host name found for IP address {Ip}")]
    public static partial void NoHostName(ILogger logger, string ip);

    /// <summary>Exim's line after a drop verdict (smtp_handle_acl_fail).</summary>
    [LoggerMessage(3015, LogLevel.Information, "SMTP connection from {Host} closed by DROP in ACL")]
    public static partial void ClosedByDrop(ILogger logger, string host);

    /// <summary>Exim's receive.c line for a message whose recipients a policy discarded (no -H file is written).</summary>
    [LoggerMessage(3016, LogLevel.Information, "{Id} => blackhole ({By} ACL discarded recipients){Log}")]
    public static partial void Blackholed(ILogger logger, string id, string by, string log);

    [LoggerMessage(3017, LogLevel.Information, "{Id} Completed")]
    public static partial void Completed(ILogger logger, string id);

    /// <summary>Exim's line for a message a policy froze on arrival.</summary>
    [LoggerMessage(3018, LogLevel.Information, "{Id} frozen by ACL")]
    public static partial void FrozenByPolicy(ILogger logger, string id);

    /// <summary>Exim's panic-log line when a new message's log cannot be written (the message is kept regardless).</summary>
    [LoggerMessage(3052, LogLevel.Critical, "{Id} Couldn't open message log: {Reason}")]
    public static partial void MessageLogFailed(ILogger logger, string id, string reason);

    /// <summary>A policy's own log line (a verdict's WithLog, Exim's logwrite), prefixed by the message id at the data stage.</summary>
    [LoggerMessage(3019, LogLevel.Information, "{Text}")]
    public static partial void PolicyLogLine(ILogger logger, string text);

    /// <summary>Exim's panic for a discard where it means nothing (connect, HELO, predata): the stage defers.</summary>
    [LoggerMessage(3020, LogLevel.Critical, "\"discard\" verdict not allowed in {Stage} ACL (H={Host}): deferred")]
    public static partial void DiscardNotAllowed(ILogger logger, string stage, string host);

    [LoggerMessage(3090, LogLevel.Critical, "SMTP connection from {Who} failed: 421 sent")]
    public static partial void SessionFailed(ILogger logger, string who, Exception exception);

    /// <summary>Exim's synprot_error: main log only (it is not a rejection of mail).</summary>
    [LoggerMessage(3012, LogLevel.Information, "SMTP {Kind} error in \"{Command}\" H={Host} {Reason}")]
    public static partial void SynprotError(ILogger logger, string kind, string command, string host, string reason);

    /// <summary>Ours: the session reached smtp_premail_timeout without a MAIL command.</summary>
    [LoggerMessage(3013, LogLevel.Information, "SMTP command timeout on connection from {Who}: no MAIL command within smtp_premail_timeout ({Seconds}s)")]
    public static partial void PremailTimeout(ILogger logger, string who, long seconds);

    /// <summary>Ours: DATA arrived more slowly than smtp_min_data_rate allows.</summary>
    [LoggerMessage(3014, LogLevel.Information, "SMTP data timeout (message abandoned) on connection from {Who} F=<{Sender}>: data rate below smtp_min_data_rate")]
    public static partial void DataTooSlow(ILogger logger, string who, string sender);

    [LoggerMessage(3901, LogLevel.Information, "H={Host} F=<{Sender}> rejected RCPT <{Recipient}>: {Reason}")]
    public static partial void RejectedRcpt(ILogger logger, string host, string sender, string recipient, string reason);

    [LoggerMessage(3902, LogLevel.Information, "SMTP call from {Who} dropped: too many syntax or protocol errors (last command was \"{Command}\", {Had})")]
    public static partial void TooManySynprot(ILogger logger, string who, string command, string had);

    [LoggerMessage(3903, LogLevel.Information, "SMTP call from {Who} dropped: too many nonmail commands (last was \"{Verb}\")")]
    public static partial void TooManyNonmail(ILogger logger, string who, string verb);

    [LoggerMessage(3904, LogLevel.Information, "SMTP protocol synchronization error ({Detail}): rejected \"{Command}\" H={Host} next input=\"{Next}\"")]
    public static partial void SyncError(ILogger logger, string detail, string command, string host, string next);

    [LoggerMessage(3905, LogLevel.Information, "rejected MAIL command H={Host}: too many messages in one connection")]
    public static partial void TooManyMessages(ILogger logger, string host);

#pragma warning disable SYSLIB1015 // RejectLogDetail is not in the line: it goes to the reject log only (EximLogEvents.RejectLogDetail).
    [LoggerMessage(3906, LogLevel.Information, "rejected from <{Sender}> H={Host}: message too big: read={Read} max={Max}")]
    public static partial void TooBig(ILogger logger, string sender, string host, long read, long max, string RejectLogDetail);

    /// <summary>A message refused after its data (Exim's data ACL shape), with the header dump for the reject log.</summary>
    [LoggerMessage(3913, LogLevel.Information, "H={Host} F=<{Sender}> rejected after DATA: {Reason}")]
    public static partial void RejectedAfterData(ILogger logger, string host, string sender, string reason, string RejectLogDetail);
#pragma warning restore SYSLIB1015

    [LoggerMessage(3907, LogLevel.Information, "SMTP protocol synchronization error (input sent without waiting for greeting): rejected connection from H={Host} input=\"{Input}\"")]
    public static partial void EarlyInput(ILogger logger, string host, string input);

    [LoggerMessage(3908, LogLevel.Information, "rejected MAIL FROM:<{Sender}> H={Host}: message too big: size={Size} max={Max}")]
    public static partial void MailTooBig(ILogger logger, string sender, string host, long size, long max);

    [LoggerMessage(3909, LogLevel.Information, "H={Host} F=<{Sender}> temporarily rejected RCPT <{Recipient}>: {Reason}")]
    public static partial void TemporarilyRejectedRcpt(ILogger logger, string host, string sender, string recipient, string reason);

    [LoggerMessage(3910, LogLevel.Information, "H={Host} rejected connection in \"connect\" ACL: {Text}")]
    public static partial void ConnectRejected(ILogger logger, string host, string text);

    [LoggerMessage(3911, LogLevel.Information, "H={Host} temporarily rejected connection in \"connect\" ACL: {Text}")]
    public static partial void ConnectDeferred(ILogger logger, string host, string text);

    [LoggerMessage(3912, LogLevel.Information, "H={Host} dropped connection in \"connect\" ACL (no reply)")]
    public static partial void ConnectDropped(ILogger logger, string host);

#pragma warning disable SYSLIB1015 // RejectLogDetail is not in the line: it goes to the reject log only (EximLogEvents.RejectLogDetail).
    /// <summary>
    /// A refusal by a stage policy, in Exim's one shape for them (smtp_handle_acl_fail, "%s%s %s%srejected %s%s"):
    /// <c>H=host [F=&lt;sender&gt; ][temporarily ]rejected &lt;what&gt;[: text]</c>, where what is <c>EHLO name</c>,
    /// <c>MAIL &lt;a@b&gt;</c>, <c>RCPT &lt;c@d&gt;</c>, <c>DATA</c> or <c>after DATA</c>; after DATA the reject log also gets
    /// the envelope and header dump.
    /// </summary>
    [LoggerMessage(3917, LogLevel.Information, "H={Host} {SenderInfo}{Temporarily}rejected {What}{Log}")]
    public static partial void RejectedByPolicy(ILogger logger, string host, string senderInfo, string temporarily, string what, string log, string RejectLogDetail);
#pragma warning restore SYSLIB1015

    /// <summary>Exim's line for a recipient a policy discarded: the client was told 250.</summary>
    [LoggerMessage(3918, LogLevel.Information, "H={Host} F=<{Sender}> RCPT {Recipient}: discarded by {By} ACL{Log}")]
    public static partial void RcptDiscarded(ILogger logger, string host, string sender, string recipient, string by, string log);


    [LoggerMessage(3914, LogLevel.Information, "rejected {Command} from {Who}: syntactically invalid argument(s): {Argument}")]
    public static partial void RejectedHelo(ILogger logger, string command, string who, string argument);

    [LoggerMessage(3915, LogLevel.Information, "unqualified {Kind} rejected: <{Address}> H={Host}")]
    public static partial void Unqualified(ILogger logger, string kind, string address, string host);

    [LoggerMessage(3916, LogLevel.Information, "too many recipients: excess temporarily rejected: sender=<{Sender}> H={Host}")]
    public static partial void TooManyRecipients(ILogger logger, string sender, string host);
}
