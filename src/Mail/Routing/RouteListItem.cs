namespace Exim.Mail.Routing;

/// <summary>
/// One <c>route_list</c> item, <c>domain-pattern host-list [options]</c>: the pattern, the host list text, how its
/// names are looked up, randomisation (null: the router's <c>hosts_randomize</c>), and <c>ipv4_only</c>/<c>ipv4_prefer</c>.
/// </summary>
internal sealed record RouteListItem(string Pattern, string Hosts, HostLookupType Lookup, bool? Randomize, bool Ipv4Only, bool Ipv4Prefer);
