using System.Net;
using System.Net.Sockets;
using Exim.Abstractions.Daemon;

namespace Exim.Host.Listeners;

/// <summary>One bound, listening socket. Closing it makes pending and later accepts return null.</summary>
internal sealed class Listener(ListenSpec spec, Socket socket, bool includesIPv4) : IListener
{
    private volatile bool _closed;

    /// <summary>The configured address and port (port 0 stays 0 here; <see cref="EndPoint"/> has the bound port).</summary>
    public ListenSpec Spec { get; } = spec;

    public IPEndPoint EndPoint { get; } = (IPEndPoint)socket.LocalEndPoint!;

    /// <summary>An IPv6 wildcard that also accepts IPv4 (IPV6_V6ONLY could not be set, or the IPv4 bind collided).</summary>
    public bool IncludesIPv4 { get; } = includesIPv4;

    public async ValueTask<Socket?> AcceptAsync(CancellationToken cancellationToken)
    {
        if (_closed) return null;
        try
        {
            return await socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException) when (_closed)
        {
            return null;
        }
        catch (SocketException) when (_closed)
        {
            return null;
        }
    }

    public void Close()
    {
        _closed = true;
        socket.Dispose();
    }
}
