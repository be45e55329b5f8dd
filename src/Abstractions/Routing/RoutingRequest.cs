using System.Collections.Immutable;

namespace Exim.Abstractions.Routing;

/// <summary>An address to route.</summary>
/// <param name="Address">The address as given (local part with its quoting, <c>@</c>, domain).</param>
/// <param name="LocalPart">Exim's <c>$local_part</c>: unquoted, with any prefix or suffix kept.</param>
/// <param name="Domain">Exim's <c>$domain</c>: lower case.</param>
/// <param name="Purpose">A delivery, a test or a verification.</param>
public sealed record RoutingRequest(string Address, string LocalPart, string Domain, RoutingPurpose Purpose)
{
    /// <summary>The addresses this one was redirected from, nearest first (empty for an original recipient).</summary>
    public ImmutableArray<RoutedAncestor> Ancestors { get; init; } = [];

    /// <summary>The message being delivered, or null when testing or verifying.</summary>
    public string? MessageId { get; init; }

    /// <summary>The message's envelope sender (empty for a bounce), or null when not known (testing).</summary>
    public string? Sender { get; init; }
}
