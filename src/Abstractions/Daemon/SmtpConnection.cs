using System.Net;
using System.Net.Sockets;

namespace Exim.Abstractions.Daemon;

/// <summary>An accepted connection handed to the SMTP session.</summary>
/// <param name="Socket">The connected socket; the session owns and closes it.</param>
/// <param name="Id">The connection id.</param>
/// <param name="Remote">The client's address and port.</param>
/// <param name="Local">The local address and port it connected to.</param>
/// <param name="ConnectionCount">Sessions active including this one (for the <c>SMTP connection from</c> log line).</param>
/// <param name="QueueOnly">Why received messages must only be queued, or null to deliver at once.</param>
/// <param name="HostConnectionCount">Sessions active from this client's address, this one included.</param>
public sealed record SmtpConnection(Socket Socket, string Id, IPEndPoint Remote, IPEndPoint Local, int ConnectionCount, string? QueueOnly,
    int HostConnectionCount = 1)
{
    /// <summary>
    /// The connection's name lookups, when the daemon loop already made them (for a host list with name items before
    /// the session started), so the session shares the client's reverse lookup instead of repeating it.
    /// </summary>
    public Matching.IHostNameLookups? HostNames { get; init; }
}
