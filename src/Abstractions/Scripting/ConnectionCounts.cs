namespace Exim.Abstractions.Scripting;

/// <summary>Connections active in the daemon when the hook runs, this one included.</summary>
/// <param name="Total">All SMTP connections.</param>
/// <param name="FromHost">Connections from this client's address.</param>
public readonly record struct ConnectionCounts(int Total, int FromHost);
