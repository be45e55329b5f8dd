using System.Collections.Immutable;
using Exim.Abstractions.Routing;
using Exim.Mail.Resolution;

namespace Exim.Mail.Routing;

/// <summary>
/// A routing decision as a value: outcome, the router and transport, the hosts, Exim's message, and whether a
/// deferral freezes the message. After a reroute or a redirection (a domain renamed by the DNS, widen_domains,
/// <c>self = reroute:</c>, a redirect router) <see cref="Address"/> is the child address that was routed and
/// <see cref="Ancestors"/> its ancestors, nearest first.
/// </summary>
internal sealed record RouteResult(RouteOutcome Outcome, string? Router = null, string? Transport = null,
    ImmutableArray<HostItem> Hosts = default, string? Message = null, bool Freeze = false)
{
    public ImmutableArray<HostItem> HostList => Hosts.IsDefault ? [] : Hosts;

    /// <summary>The address this result is for (the child after a reroute or redirection; the path or command for a file or pipe).</summary>
    public string? Address { get; init; }

    /// <summary>The ancestors of <see cref="Address"/> and the routers that made each one's child, nearest first; empty for an original recipient.</summary>
    public ImmutableArray<RoutedAncestor> Ancestors { get; init; } = [];

    /// <summary>The ancestors' addresses, nearest first.</summary>
    public IEnumerable<string> Parents => Ancestors.Select(a => a.Address);

    /// <summary>What <see cref="Address"/> is: an address, or a file or pipe a redirection generated.</summary>
    public RedirectItemKind Kind { get; init; } = RedirectItemKind.Address;

    /// <summary>
    /// Exim's unique address, which duplicates share and the spool's non-recipients tree records for a delivered child: the
    /// address with its domain in lower case; <c>\0\address</c> for a child with an ancestor of the same address (a homonym);
    /// <c>path:parent</c> for a file or pipe. Null for an original recipient (the recipient itself is recorded).
    /// </summary>
    public string? Unique { get; init; }

    /// <summary>The child has an ancestor with the same address (Exim's af_homonym): recorded as <c>address/transport</c> once delivered.</summary>
    public bool Homonym { get; init; }

    /// <summary>For a deferral or failure: Exim's error number (<c>defer (-30)</c>), -1 when routing gives none.</summary>
    public int Errno { get; init; } = -1;

    /// <summary>For <see cref="RouteOutcome.Redirected"/>: the new addresses, files and pipes.</summary>
    public ImmutableArray<RedirectItem> Children { get; init; } = [];

    /// <summary>For <see cref="RouteOutcome.Rerouted"/>: the domain the address moves to.</summary>
    public string? NewDomain { get; init; }

    /// <summary>The routing was copied from another address of the same domain (<c>same_domain_copy_routing</c>).</summary>
    public bool Copied { get; init; }

    /// <summary>The router asks for its routing to be copied to the other addresses of the domain (<c>same_domain_copy_routing</c>).</summary>
    public bool CopyToSameDomain { get; init; }

    /// <summary>The accepting router's <c>fallback_hosts</c>: for the transport, instead of its own.</summary>
    public ImmutableArray<string> FallbackHosts { get; init; } = [];

    /// <summary>This host was one of the hosts found, at a worse preference, and was cut with everything after it.</summary>
    public bool LocalHostRemoved { get; init; }

    public static RouteResult Decline(string? message = null) => new(RouteOutcome.Declined, Message: message);

    public static RouteResult Reroute(string domain) => new(RouteOutcome.Rerouted) { NewDomain = domain };
}
