using Microsoft.Extensions.Logging;

namespace Exim.Mail.Transports.Smtp;

/// <summary>The smtp transport's own log lines during a delivery, in Exim's words (7xxx transport).</summary>
internal static partial class TransportLog
{
    [LoggerMessage(7210, LogLevel.Information, "{Id} [{Address}] SSL verify error{Detail}")]
    public static partial void VerifyError(ILogger logger, string id, string address, string detail);

    [LoggerMessage(7211, LogLevel.Information, "{Id} {Message}: delivering unencrypted to H={Host} [{Address}] (not in hosts_require_tls)")]
    public static partial void DeliveringUnencrypted(ILogger logger, string id, string message, string host, string address);

    [LoggerMessage(7212, LogLevel.Information, "{Id} {Authenticator} authenticator failed H={Host} [{Address}] {Reply}")]
    public static partial void AuthenticatorFailed(ILogger logger, string id, string authenticator, string host, string address, string reply);

    [LoggerMessage(7213, LogLevel.Information, "{Id} DANE attempt failed; TLS connection to {Host} [{Address}]: {Error}")]
    public static partial void DaneAttemptFailed(ILogger logger, string id, string host, string address, string error);
}
