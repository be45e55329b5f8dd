using Microsoft.Extensions.Logging;

namespace Exim.Mail.Submission;

/// <summary>Log lines of local submission (the 3xxx session range: 3060-3069, and 3960-3969 for the reject log).</summary>
internal static partial class SubmissionLog
{
    [LoggerMessage(3060, LogLevel.Information, "{Id} <= {Sender} U={User} P={Protocol} S={Size}{MessageId}")]
    public static partial void Received(ILogger logger, string id, string sender, string user, string protocol, long size, string messageId);

    [LoggerMessage(3061, LogLevel.Critical, "{What} found in headers")]
    public static partial void NoRecipients(ILogger logger, string what);

    [LoggerMessage(3062, LogLevel.Error, "{Id} spool write failed for a local message from {User}: {Error}")]
    public static partial void SpoolFailed(ILogger logger, string id, string user, string error);

    [LoggerMessage(3063, LogLevel.Critical, "{Id} Couldn't open message log: {Reason}")]
    public static partial void MessageLogFailed(ILogger logger, string id, string reason);

    [LoggerMessage(3064, LogLevel.Information, "{Id} {Reason} while reading local message from {User}: message abandoned")]
    public static partial void Incomplete(ILogger logger, string id, string reason, string user);

    [LoggerMessage(3961, LogLevel.Information, "F=<{Sender}> rejected by non-SMTP ACL{Log}")]
    public static partial void RejectedByPolicy(ILogger logger, string sender, string log);

    [LoggerMessage(3960, LogLevel.Information, "rejected from <{Sender}> U={User}: message too big: read={Read} max={Max}")]
    public static partial void TooBig(ILogger logger, string sender, string user, long read, long max);
}
