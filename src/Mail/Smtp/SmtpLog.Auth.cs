using Microsoft.Extensions.Logging;

namespace Exim.Mail.Smtp;

/// <summary>The AUTH command's lines.</summary>
internal static partial class SmtpLog
{
    /// <summary>
    /// Exim's line for every AUTH that did not succeed (smtp_in.c, LOG_MAIN|LOG_REJECT): <c>&lt;authenticator&gt;
    /// authenticator failed for &lt;host&gt;: 535 Incorrect authentication data (set_id=&lt;user&gt;)</c>.
    /// </summary>
    [LoggerMessage(3940, LogLevel.Information, "{Authenticator} authenticator failed for {Host}: {Reply}")]
    public static partial void AuthenticatorFailed(ILogger logger, string authenticator, string host, string reply);

    /// <summary>Ours (smtp_max_auth_failures): the client failed to authenticate too often and is dropped.</summary>
    [LoggerMessage(3941, LogLevel.Information, "SMTP call from {Host} dropped: too many authentication failures ({Count})")]
    public static partial void TooManyAuthFailures(ILogger logger, string host, int count);

    /// <summary>Exim's line for MAIL's AUTH= parameter from a client that did not authenticate: the parameter is ignored.</summary>
    [LoggerMessage(3051, LogLevel.Information, "ignoring AUTH={Value} from H={Host} ({Reason})")]
    public static partial void IgnoringAuthSender(ILogger logger, string value, string host, string reason);

    /// <summary>An authenticator threw: a bug in it, logged with the exception; the client got 435.</summary>
    [LoggerMessage(3050, LogLevel.Error, "{Authenticator} authenticator failed unexpectedly for {Host}")]
    public static partial void AuthenticatorCrashed(ILogger logger, string authenticator, string host, Exception exception);
}
