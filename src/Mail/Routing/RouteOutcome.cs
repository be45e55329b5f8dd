namespace Exim.Mail.Routing;

/// <summary>What a router (or routing as a whole) decided for one address.</summary>
internal enum RouteOutcome
{
    /// <summary>Routed: a transport, and for remote deliveries a host list.</summary>
    Accepted,
    /// <summary>This router does not handle the address; the next one is tried.</summary>
    Declined,
    /// <summary>Go to the next router even past <c>more = false</c> (<c>self = pass</c>, <c>pass_on_timeout</c>).</summary>
    Pass,
    /// <summary>Try again later.</summary>
    Deferred,
    /// <summary>Permanent failure.</summary>
    Failed,
    /// <summary>
    /// The router replaced the address with a child at another domain, which is routed afresh from the first router
    /// (Exim's REROUTED). Never the final outcome of <see cref="AddressRouter.RouteAsync(string, string?, CancellationToken)"/>.
    /// </summary>
    Rerouted,
    /// <summary>
    /// The router redirected the address to <see cref="RouteResult.Children"/> (Exim's redirection): the core routes the
    /// child addresses from the first router and hands files and pipes to their transports.
    /// </summary>
    Redirected,
    /// <summary>A redirection with no children (<c>:blackhole:</c>): the address is done, nothing is delivered.</summary>
    Discarded,
}
