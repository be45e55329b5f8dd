using System.Collections.Immutable;
using Exim.Abstractions.Routing;

namespace Exim.Abstractions.Transports;

/// <summary>What one transport run is given.</summary>
/// <param name="Message">The message.</param>
/// <param name="Recipients">The recipients for this run (at least one, at most <see cref="ITransport.MaxRecipients"/>).</param>
/// <param name="Hosts">For a remote transport, the hosts the router chose (addresses resolved), else empty.</param>
public sealed record TransportRequest(IDeliveryMessage Message, ImmutableArray<DeliveryRecipient> Recipients, ImmutableArray<RoutedHost> Hosts);
