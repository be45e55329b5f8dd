using System.Collections.Immutable;
using Exim.Abstractions.Routing;
using Exim.Mail.Resolution;

namespace Exim.Mail.Routing.Drivers;

/// <summary>Maps between the public <see cref="RouterResult"/> and the core's <see cref="RouteResult"/>.</summary>
internal static class RouterResults
{
    /// <summary>A driver's decision as the core works with it; <paramref name="transport"/> is the router's own, used when the result names none.</summary>
    public static RouteResult FromPublic(RouterResult result, string? transport) => result.Verdict switch
    {
        RouterVerdict.Accept => new RouteResult(RouteOutcome.Accepted, Transport: result.Transport ?? transport,
            Hosts: [.. result.Hosts.Select(h => new HostItem(h.Name, h.Address, h.Mx, Port: h.Port == 0 ? null : h.Port))]),
        RouterVerdict.Decline => RouteResult.Decline(result.Message),
        RouterVerdict.Pass => new RouteResult(RouteOutcome.Pass, Message: result.Message),
        RouterVerdict.Defer => new RouteResult(RouteOutcome.Deferred, Message: result.Message, Freeze: result.Freeze),
        RouterVerdict.Fail => new RouteResult(RouteOutcome.Failed, Message: result.Message),
        RouterVerdict.Redirect => new RouteResult(RouteOutcome.Redirected) { Children = result.Children },
        _ => new RouteResult(RouteOutcome.Deferred, Message: $"unknown router verdict {result.Verdict}"),
    };

    /// <summary>A built-in router's decision as the public contract shows it (a reroute is a redirection to the new address).</summary>
    public static RouterResult ToPublic(RouteResult result, RoutingRequest request) => result.Outcome switch
    {
        RouteOutcome.Accepted => RouterResult.Accept(result.Transport,
            [.. result.HostList.Select(h => new RoutedHost(h.Name, h.Address, h.Port ?? 0, h.Mx))]),
        RouteOutcome.Declined => RouterResult.Decline(result.Message),
        RouteOutcome.Pass => RouterResult.Pass(),
        RouteOutcome.Failed => RouterResult.Fail(result.Message ?? "Unrouteable address"),
        RouteOutcome.Rerouted => RouterResult.Redirect([new RedirectItem(RedirectItemKind.Address, $"{RawLocalPart(request.Address)}@{result.NewDomain}")]),
        RouteOutcome.Redirected => RouterResult.Redirect(result.Children),
        RouteOutcome.Discarded => RouterResult.Redirect(ImmutableArray<RedirectItem>.Empty),
        _ => RouterResult.Defer(result.Message ?? "routing deferred", result.Freeze),
    };

    /// <summary>The local part as the address spells it, quotes and all (what a new address at another domain keeps).</summary>
    public static string RawLocalPart(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? address : address[..at];
    }
}
