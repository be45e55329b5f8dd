using Microsoft.Extensions.Logging;

namespace Exim.Mail.Resolution;

/// <summary>Host resolution log lines, in Exim's shapes (6xxx).</summary>
internal static partial class ResolutionLog
{
    [LoggerMessage(6101, LogLevel.Information, "dnssec fail on SRV for {Name}")]
    public static partial void DnssecFailSrv(ILogger logger, string name);

    [LoggerMessage(6102, LogLevel.Debug, "dnssec fail on MX for {Name}")]
    public static partial void DnssecFailMx(ILogger logger, string name);

    [LoggerMessage(6103, LogLevel.Debug, "DNS lookup of {Name} ({Type}) requested AD, but got AA")]
    public static partial void AaNotAd(ILogger logger, string name, string type);
}
