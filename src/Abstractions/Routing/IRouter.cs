namespace Exim.Abstractions.Routing;

/// <summary>
/// One configured router. The core calls it for each address that passed the router's generic preconditions
/// (<c>domains</c>, <c>local_parts</c>, verify selection) and acts on the <see cref="RouterResult"/>: it runs the next
/// router after a decline (unless <c>more = false</c>), routes redirected addresses from the first router again, and
/// hands accepted addresses to their transport. Called concurrently for different addresses; must not block.
/// </summary>
public interface IRouter
{
    /// <summary>Routes one address.</summary>
    /// <param name="request">The address, its ancestors and why it is being routed.</param>
    /// <param name="cancellationToken">Cancelled when the delivery or session ends.</param>
    ValueTask<RouterResult> RouteAsync(RoutingRequest request, CancellationToken cancellationToken);
}
