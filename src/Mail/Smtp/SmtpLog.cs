using Microsoft.Extensions.Logging;

namespace Exim.Mail.Smtp;

/// <summary>Session log lines, in Exim's shapes. Ids 3900–3999 also go to the reject log.</summary>
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

    [LoggerMessage(3006, LogLevel.Information, "{Id} <= {Sender} H={Host} P={Protocol} S={Size}{Queue}{MessageId}")]
    public static partial void Received(ILogger logger, string id, string sender, string host, string protocol, long size, string queue, string messageId);

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

    [LoggerMessage(3090, LogLevel.Critical, "SMTP connection from {Who} failed: 421 sent")]
    public static partial void SessionFailed(ILogger logger, string who, Exception exception);

    [LoggerMessage(3901, LogLevel.Information, "H={Host} F=<{Sender}> rejected RCPT <{Recipient}>: {Reason}")]
    public static partial void RejectedRcpt(ILogger logger, string host, string sender, string recipient, string reason);

    [LoggerMessage(3909, LogLevel.Information, "H={Host} F=<{Sender}> temporarily rejected RCPT <{Recipient}>: {Reason}")]
    public static partial void TemporarilyRejectedRcpt(ILogger logger, string host, string sender, string recipient, string reason);

    [LoggerMessage(3902, LogLevel.Information, "SMTP call from {Who} dropped: too many syntax or protocol errors (last command was \"{Command}\")")]
    public static partial void TooManySynprot(ILogger logger, string who, string command);

    [LoggerMessage(3903, LogLevel.Information, "SMTP call from {Who} dropped: too many nonmail commands (last was \"{Command}\")")]
    public static partial void TooManyNonmail(ILogger logger, string who, string command);

    [LoggerMessage(3904, LogLevel.Information, "SMTP protocol synchronization error ({Detail}): rejected \"{Command}\" H={Host}")]
    public static partial void SyncError(ILogger logger, string detail, string command, string host);

    [LoggerMessage(3905, LogLevel.Information, "rejected MAIL command H={Host}: too many messages in one connection")]
    public static partial void TooManyMessages(ILogger logger, string host);

    [LoggerMessage(3906, LogLevel.Information, "H={Host} F=<{Sender}> rejected after DATA: message too big: read={Read} max={Max}")]
    public static partial void TooBig(ILogger logger, string host, string sender, long read, long max);

    [LoggerMessage(3907, LogLevel.Information, "SMTP syntax error in \"{Command}\" H={Host} {Reason}")]
    public static partial void SyntaxError(ILogger logger, string command, string host, string reason);

    [LoggerMessage(3908, LogLevel.Information, "H={Host} rejected MAIL <{Sender}>: {Reason}")]
    public static partial void RejectedMail(ILogger logger, string host, string sender, string reason);

    [LoggerMessage(3910, LogLevel.Information, "H={Host} rejected connection in \"connect\" ACL: {Text}")]
    public static partial void ConnectRejected(ILogger logger, string host, string text);

    [LoggerMessage(3911, LogLevel.Information, "H={Host} temporarily rejected connection in \"connect\" ACL: {Text}")]
    public static partial void ConnectDeferred(ILogger logger, string host, string text);

    [LoggerMessage(3912, LogLevel.Information, "H={Host} dropped connection in \"connect\" ACL (no reply)")]
    public static partial void ConnectDropped(ILogger logger, string host);
}
