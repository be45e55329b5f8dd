using Exim.Abstractions.Scripting;

namespace Exim.Abstractions.Auth;

/// <summary>
/// Checks a user name and password taken from a PLAIN or LOGIN exchange by <see cref="PlainTextSasl"/>: answers
/// <see cref="SaslStep.Succeeded"/> with the authenticated id, <see cref="SaslStep.Failed"/> with the user tried, or
/// <see cref="SaslStep.Deferred"/>.
/// </summary>
/// <param name="user">The authentication id the client gave (never empty).</param>
/// <param name="password">The password the client gave.</param>
/// <param name="connection">The client's connection.</param>
/// <param name="cancellationToken">Cancelled when the session ends.</param>
public delegate ValueTask<SaslStep> CredentialsCheck(string user, string password, AcceptConnection connection, CancellationToken cancellationToken);
