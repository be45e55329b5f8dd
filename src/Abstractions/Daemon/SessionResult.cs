namespace Exim.Abstractions.Daemon;

/// <summary>How a session ended.</summary>
/// <param name="Outcome">The outcome.</param>
/// <param name="Messages">Messages accepted on the connection.</param>
public readonly record struct SessionResult(SessionOutcome Outcome, int Messages);
