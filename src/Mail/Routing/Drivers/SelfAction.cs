using Exim.Mail.Resolution;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Routing.Drivers;

/// <summary>
/// The <c>self</c> option (spec §2.6) when this host is the most preferred one, for the routers that find hosts.
/// <c>reroute:&lt;domain&gt;</c> and <c>reroute:rewrite:&lt;domain&gt;</c> replace the address's domain and route the child
/// from the first router (Exim's rf_change_domain); <c>rewrite:</c> would also rewrite the message's headers, which routing
/// alone has not. A freeze is logged (rf_self_action): with the message id during a delivery, else naming the address.
/// </summary>
internal static class SelfAction
{
    public static RouteResult Apply(string self, string? transport, HostFindResult found, string domain, string address, string? messageId, ILogger? logger)
    {
        var message = found.Hosts.Any(h => h.Mx >= 0) ? "lowest numbered MX record points to local host" : "remote host address is the local host";
        if (SelfReroute.TryParse(self, out var reroute)) return RouteResult.Reroute(reroute.Domain);
        if (self == "freeze" && logger is not null)
        {
            if (messageId is null) RoutingLog.SelfFreezeRouting(logger, message, domain, address);
            else RoutingLog.SelfFreeze(logger, messageId, message, domain);
        }
        return self switch
        {
            "send" => new RouteResult(RouteOutcome.Accepted, Transport: transport, Hosts: found.Hosts),
            "pass" => new RouteResult(RouteOutcome.Pass),
            "fail" => new RouteResult(RouteOutcome.Failed, Message: message),
            "defer" => new RouteResult(RouteOutcome.Deferred, Message: message),
            "freeze" => new RouteResult(RouteOutcome.Deferred, Message: message, Freeze: true),
            _ => new RouteResult(RouteOutcome.Deferred, Message: $"{message} (unknown self value \"{self}\"): {domain}"),
        };
    }
}
