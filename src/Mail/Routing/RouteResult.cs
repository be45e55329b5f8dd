using System.Collections.Immutable;
using Exim.Mail.Resolution;

namespace Exim.Mail.Routing;

/// <summary>A routing decision as a value: outcome, the router and transport, the hosts, and Exim's message.</summary>
internal sealed record RouteResult(RouteOutcome Outcome, string? Router = null, string? Transport = null,
    ImmutableArray<HostItem> Hosts = default, string? Message = null)
{
    public ImmutableArray<HostItem> HostList => Hosts.IsDefault ? [] : Hosts;

    public static RouteResult Decline(string? message = null) => new(RouteOutcome.Declined, Message: message);
}
