using System.Collections.Immutable;
using Exim.Mail.Resolution;

namespace Exim.Mail.Routing;

/// <summary>
/// A routing decision as a value: outcome, the router and transport, the hosts, Exim's message, and whether a
/// deferral freezes the message. After a reroute
/// (a domain renamed by the DNS, widen_domains, or <c>self = reroute:</c>) <see cref="Address"/> is the child address
/// that was routed and <see cref="Parents"/> its ancestors, nearest first.
/// </summary>
internal sealed record RouteResult(RouteOutcome Outcome, string? Router = null, string? Transport = null,
    ImmutableArray<HostItem> Hosts = default, string? Message = null, bool Freeze = false)
{
    public ImmutableArray<HostItem> HostList => Hosts.IsDefault ? [] : Hosts;

    /// <summary>The address this result is for (the child after a reroute).</summary>
    public string? Address { get; init; }

    /// <summary>The ancestors of <see cref="Address"/>, nearest first; empty when it was not rerouted.</summary>
    public ImmutableArray<string> Parents { get; init; } = [];

    /// <summary>For <see cref="RouteOutcome.Rerouted"/>: the domain the address moves to.</summary>
    public string? NewDomain { get; init; }

    /// <summary>The routing was copied from another address of the same domain (<c>same_domain_copy_routing</c>).</summary>
    public bool Copied { get; init; }

    /// <summary>The accepting router's <c>fallback_hosts</c>: for the transport, instead of its own.</summary>
    public ImmutableArray<string> FallbackHosts { get; init; } = [];

    /// <summary>This host was one of the hosts found, at a worse preference, and was cut with everything after it.</summary>
    public bool LocalHostRemoved { get; init; }

    public static RouteResult Decline(string? message = null) => new(RouteOutcome.Declined, Message: message);

    public static RouteResult Reroute(string domain) => new(RouteOutcome.Rerouted) { NewDomain = domain };
}
