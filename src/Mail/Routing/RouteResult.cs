using System.Collections.Immutable;
using Exim.Mail.Resolution;

namespace Exim.Mail.Routing;

/// <summary>A routing decision as a value: outcome, the router and transport, the hosts, Exim's message, and whether a deferral freezes the message.</summary>
internal sealed record RouteResult(RouteOutcome Outcome, string? Router = null, string? Transport = null,
    ImmutableArray<HostItem> Hosts = default, string? Message = null, bool Freeze = false)
{
    public ImmutableArray<HostItem> HostList => Hosts.IsDefault ? [] : Hosts;

    public static RouteResult Decline(string? message = null) => new(RouteOutcome.Declined, Message: message);
}
