using System.Collections.Immutable;
using System.Net;

namespace Exim.Abstractions.Resolution;

/// <summary>The result of <see cref="IAddressResolver.ResolveAsync"/>.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="CanonicalName">The canonical name, when the resolver reported one.</param>
/// <param name="Addresses">The addresses, in the resolver's order.</param>
public sealed record AddressLookup(AddressLookupStatus Status, string? CanonicalName, ImmutableArray<IPAddress> Addresses);
