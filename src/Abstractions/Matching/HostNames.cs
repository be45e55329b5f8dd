using System.Collections.Immutable;
using Exim.Abstractions.Resolution;

namespace Exim.Abstractions.Matching;

/// <summary>A client's verified host names, or why there are none.</summary>
/// <param name="Status"><see cref="AddressLookupStatus.Found"/>, NotFound (no name, or none confirmed), or Again (a lookup deferred).</param>
/// <param name="Names">The forward-confirmed names, lowercased, main name first.</param>
/// <param name="Failure">Exim's message suffix when there is no name, e.g. <c>(failed to find host name from IP address)</c>.</param>
public sealed record HostNames(AddressLookupStatus Status, ImmutableArray<string> Names, string? Failure = null)
{
    /// <summary>No lookup was possible (no resolver): no names.</summary>
    public static HostNames None { get; } = new(AddressLookupStatus.NotFound, []);
}
