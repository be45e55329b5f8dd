using Microsoft.Extensions.Logging;

namespace Exim.Mail.Smtp.Tls;

/// <summary>The server side's TLS lines, in Exim 4.96's shapes (smtp_in.c's smtp_log_tls_fail, tls-openssl.c's tls_error).</summary>
internal static partial class TlsLog
{
    /// <summary><c>TLS error on connection from &lt;host&gt; (SSL_accept): &lt;reason&gt;</c>; <paramref name="detail"/> is Exim's errstr.</summary>
    [LoggerMessage(3040, LogLevel.Information, "TLS error on connection from {Host} {Detail}")]
    public static partial void HandshakeFailed(ILogger logger, string host, string detail);

    [LoggerMessage(3041, LogLevel.Debug, "Non-empty input buffer after STARTTLS; naive attack? {Count} byte(s) from {Host} discarded")]
    public static partial void InputAfterStartTls(ILogger logger, int count, string host);

    [LoggerMessage(3042, LogLevel.Information, "SMTP connection from {Host} closed by EOF")]
    public static partial void ClosedByEof(ILogger logger, string host);

    [LoggerMessage(3043, LogLevel.Debug, "TLS active for {Host}: {Session} SNI={Sni}")]
    public static partial void Active(ILogger logger, string host, string session, string sni);
}
