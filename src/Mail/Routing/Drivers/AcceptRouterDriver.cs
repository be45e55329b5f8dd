using Exim.Abstractions.Routing;

namespace Exim.Mail.Routing.Drivers;

/// <summary>Exim's accept router: every address that reaches it goes to its transport. It has no options of its own.</summary>
internal sealed class AcceptRouterDriver : IRouterDriver
{
    public IRouter Create(RouterDefinition definition) => new AcceptRouter(definition.Transport);

    private sealed class AcceptRouter(string? transport) : BuiltInRouter
    {
        private readonly Task<RouteResult> _accepted = Task.FromResult(new RouteResult(RouteOutcome.Accepted, Transport: transport));

        public override Task<RouteResult> RouteDetailedAsync(RoutingRequest request, CancellationToken cancellationToken) => _accepted;
    }
}
