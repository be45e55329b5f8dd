using Microsoft.Extensions.Logging;

namespace Exim.Mail.Tls.Dane;

/// <summary>DANE's log lines, in Exim's words (transport range, 7xxx).</summary>
internal static partial class DaneLog
{
    [LoggerMessage(7160, LogLevel.Information, "DANE error: TLSA lookup for {Host} not DNSSEC")]
    public static partial void TlsaNotSecure(ILogger logger, string host);
}
