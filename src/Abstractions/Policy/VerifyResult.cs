namespace Exim.Abstractions.Policy;

/// <summary>The outcome of verifying one address.</summary>
/// <param name="Status">Deliverable, undeliverable or not known yet.</param>
/// <param name="Message">Why not, as the router said it (e.g. <c>Unknown user</c>), or null.</param>
/// <param name="Router">The router that decided, or null when none did.</param>
public sealed record VerifyResult(VerifyStatus Status, string? Message = null, string? Router = null);
