using System.Net;

namespace Exim.Abstractions.Matching;

/// <summary>
/// An Exim host list, compiled by the host (<see cref="IHostListFactory"/>), matched against a client or an outgoing
/// host with Exim's meaning of every item: IP addresses, CIDR networks (<c>10.0.0.0/8</c>), <c>*</c>, <c>!</c>-negated
/// items, plain host names (looked up forward: the address must be among the name's addresses), and name patterns
/// (<c>*.example.com</c>, <c>^regex</c>) matched against the host's name (the given one, or else the client's
/// forward-confirmed name from a reverse lookup). The first matching item decides; with no match the subject is not in
/// the list, unless the last item was negated (<c>! 192.0.2.0/24</c> alone means "everyone else"). A name that cannot
/// be found makes the list not match (<c>+include_unknown</c>: match; <c>+ignore_unknown</c>: skip the item); a lookup
/// that fails temporarily defers it (<c>+include_defer</c>, <c>+ignore_defer</c>). Immutable and thread-safe: compile
/// it once (e.g. in <see cref="Plugins.IEximPlugin.Register"/>) and match it from any connection.
/// </summary>
public interface IHostList
{
    /// <summary>Whether the list has no items (and so matches nothing).</summary>
    bool IsEmpty { get; }

    /// <summary>
    /// Whether some item is a host name or a name pattern, so that matching may need a DNS lookup. Lists without one are
    /// matched by <see cref="MatchAsync"/> synchronously, with no lookup at all.
    /// </summary>
    bool HasNameItems { get; }

    /// <summary>
    /// Whether <paramref name="address"/> (or <paramref name="hostName"/>, for name items) is in the list, without any
    /// lookup: name items match only <paramref name="hostName"/> (a plain name by equality). Use
    /// <see cref="MatchAsync"/> for Exim's full meaning of name items.
    /// </summary>
    /// <param name="address">The client address; IPv4-mapped IPv6 is compared as IPv4.</param>
    /// <param name="hostName">The client's verified host name, when known.</param>
    bool Matches(IPAddress address, string? hostName = null);

    /// <summary>Matches the list as Exim does, looking names up when an item needs them: Match, NoMatch, or Defer (a lookup failed temporarily).</summary>
    /// <param name="address">The client (or outgoing host) address; IPv4-mapped IPv6 is compared as IPv4.</param>
    /// <param name="hostName">The host's name when it is known (an outgoing host); null to look the client's up.</param>
    /// <param name="lookups">The lookups for name items (a connection's <see cref="Daemon.AdmissionContext.HostNames"/>); null means names cannot be found.</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    ValueTask<HostListMatch> MatchAsync(IPAddress address, string? hostName, IHostNameLookups? lookups, CancellationToken cancellationToken);
}
