using System.Collections.Immutable;

namespace Exim.Mail.Resolution;

/// <summary>The client's verified host name and aliases, or why there is none.</summary>
/// <param name="Status">Found; Failed (no PTR, or no name confirmed); or Again (a lookup deferred).</param>
/// <param name="Name">The forward-confirmed name, lowercased.</param>
/// <param name="Aliases">Further confirmed names.</param>
/// <param name="Failure">Exim's message suffix, e.g. <c>(failed to find host name from IP address)</c>.</param>
internal sealed record ReverseLookupResult(HostFindStatus Status, string? Name, ImmutableArray<string> Aliases, string? Failure);
