using System.Net;
using System.Net.Sockets;

namespace Exim.Abstractions.Daemon;

/// <summary>A listening socket owned by the core. It outlives generations: a reload never closes a socket the new configuration still wants.</summary>
public interface IListener
{
    /// <summary>The bound address and port.</summary>
    IPEndPoint EndPoint { get; }

    /// <summary>Accepts one connection; <see langword="null"/> when the core has closed this listener (it was removed by a reload, or the daemon is stopping).</summary>
    /// <param name="cancellationToken">Cancels the wait without closing the listener.</param>
    ValueTask<Socket?> AcceptAsync(CancellationToken cancellationToken);
}
