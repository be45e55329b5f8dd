namespace Exim.Abstractions.Routing;

/// <summary>An address that was redirected (or rerouted) to produce the one being routed, and the router that did it.</summary>
/// <param name="Address">The ancestor address.</param>
/// <param name="Router">The name of the router that redirected it.</param>
public sealed record RoutedAncestor(string Address, string Router);
