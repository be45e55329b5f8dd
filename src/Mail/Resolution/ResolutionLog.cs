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

    /// <summary>dns.c: the CNAME chain was still going after 1 + dns_cname_loops lookups; the lookup fails (DNS_FAIL).</summary>
    [LoggerMessage(6104, LogLevel.Information, "CNAME loop for {Name} encountered")]
    public static partial void CnameLoop(ILogger logger, string name);

    /// <summary>host.c's log_long_lookup, for slow_lookup_log.</summary>
    [LoggerMessage(6105, LogLevel.Information, "Long {Type} lookup for '{Name}': {Milliseconds} msec")]
    public static partial void LongLookup(ILogger logger, string type, string name, long milliseconds);
}
