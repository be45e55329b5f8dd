using Exim.Abstractions.Routing;

namespace Exim.Mail.Routing.Drivers;

/// <summary>
/// A router of a driver the host registers itself (accept, dnslookup, manualroute). It is an <see cref="IRouter"/> like a
/// plugin's, and the core calls <see cref="RouteDetailedAsync"/> to keep what the public <see cref="RouterResult"/> has no
/// room for: host details (DNSSEC, unusable hosts), a reroute's new domain, a local host cut from the list.
/// </summary>
internal abstract class BuiltInRouter : IRouter
{
    /// <summary>Routes one address, with the host details the core and <c>-bt</c> use.</summary>
    public abstract Task<RouteResult> RouteDetailedAsync(RoutingRequest request, CancellationToken cancellationToken);

    public async ValueTask<RouterResult> RouteAsync(RoutingRequest request, CancellationToken cancellationToken)
        => RouterResults.ToPublic(await RouteDetailedAsync(request, cancellationToken).ConfigureAwait(false), request);
}
