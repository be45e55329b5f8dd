using Microsoft.Extensions.Logging;

namespace Exim.Mail.Routing;

/// <summary>Routing log lines, in Exim's shapes (62xx, beside the resolver's).</summary>
internal static partial class RoutingLog
{
    /// <summary>rf_self_action, <c>self = freeze</c> during a delivery.</summary>
    [LoggerMessage(6201, LogLevel.Information, "{Id} {Message}: {Domain}")]
    public static partial void SelfFreeze(ILogger logger, string id, string message, string domain);

    /// <summary>rf_self_action, <c>self = freeze</c> while only routing (-bt), with no message.</summary>
    [LoggerMessage(6202, LogLevel.Information, "{Message}: {Domain} (while routing <{Address}>)")]
    public static partial void SelfFreezeRouting(ILogger logger, string message, string domain, string address);

    /// <summary>Verifying an address threw (a bug, or a plugin's failure): the address is deferred, never refused.</summary>
    [LoggerMessage(6203, LogLevel.Error, "verification of <{Address}> failed, so it is deferred")]
    public static partial void VerifyFailed(ILogger logger, string address, Exception exception);

    /// <summary>A plugin's router threw: the address is deferred.</summary>
    [LoggerMessage(6204, LogLevel.Error, "{Router} router failed while routing <{Address}>, so the address is deferred")]
    public static partial void RouterFailed(ILogger logger, string router, string address, Exception exception);
}
