namespace Exim.Abstractions.Daemon;

/// <summary>The rest of the admission chain: the next step, and in the end the SMTP session.</summary>
/// <param name="connection">The connection.</param>
/// <returns>How the session ended (or how the connection was refused).</returns>
public delegate Task<SessionResult> AdmissionDelegate(AdmissionContext connection);
