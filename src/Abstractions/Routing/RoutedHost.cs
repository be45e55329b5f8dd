using System.Net;

namespace Exim.Abstractions.Routing;

/// <summary>A host a router chose for a remote transport.</summary>
/// <param name="Name">The host's name (or an IP address literal).</param>
/// <param name="Address">Its address. A router should give it: the core does not look names up for a plugin's router, and
/// the built-in smtp transport defers a host without one (<c>failed to lookup IP address for ...</c>, with a routing retry
/// record for the name).</param>
/// <param name="Port">A port for this host only; 0 means the transport's.</param>
/// <param name="Mx">The MX preference it came from, or -1 when it did not come from an MX record.</param>
public sealed record RoutedHost(string Name, IPAddress? Address = null, int Port = 0, int Mx = -1);
