using System.Net.Sockets;

namespace Exim.Abstractions.Daemon;

/// <summary>The core's SMTP server side: runs one session on an accepted connection that passed the daemon's limits.</summary>
public interface ISmtpSessionHandler
{
    /// <summary>Sends the banner and runs the SMTP dialogue until QUIT, a timeout, or the client goes away.</summary>
    /// <param name="connection">The accepted connection and what the daemon decided about it.</param>
    /// <param name="shutdownToken">Cancelled when the daemon stops: a session waiting for a command then answers 421 and closes.</param>
    /// <returns>How the session ended and how many messages it received.</returns>
    Task<SessionResult> RunAsync(SmtpConnection connection, CancellationToken shutdownToken);
}
