using System.Net.Sockets;

namespace Exim.Abstractions.Daemon;

/// <summary>The core's SMTP server side: takes an accepted connection through the admission chain and, if admitted, the session.</summary>
public interface ISmtpSessionHandler
{
    /// <summary>
    /// Runs the admission chain (<see cref="IAdmissionStep"/>) and the SMTP dialogue until QUIT, a timeout, or the client
    /// goes away, then closes the connection. Never throws for anything the client or a policy does: failures are
    /// answered with 421.
    /// </summary>
    /// <param name="socket">The accepted socket; the handler owns and closes it.</param>
    /// <param name="shutdownToken">Cancelled when the daemon stops: a session waiting for a command then answers 421 and closes.</param>
    /// <returns>How the session ended and how many messages it received.</returns>
    Task<SessionResult> RunAsync(Socket socket, CancellationToken shutdownToken);
}
