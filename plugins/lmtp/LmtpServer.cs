using System.Net;
using System.Net.Sockets;

namespace Exim.Plugins.Lmtp;

/// <summary>Where the LMTP server listens: a Unix socket, or a host and port.</summary>
internal sealed record LmtpServer(string? SocketPath, string? Host, int Port)
{
    public static LmtpServer Unix(string path) => new(path, null, 0);

    public static LmtpServer Tcp(string host, int port) => new(null, host, port);

    /// <summary>The endpoint to connect to: the socket, the host's IP address, or the host name's first address.</summary>
    public async Task<EndPoint> EndPointAsync(CancellationToken cancellationToken)
    {
        if (SocketPath is not null) return new UnixDomainSocketEndPoint(SocketPath);
        if (IPAddress.TryParse(Host, out var ip)) return new IPEndPoint(ip, Port);
        var addresses = await Dns.GetHostAddressesAsync(Host!, cancellationToken).ConfigureAwait(false);
        return addresses.Length > 0 ? new IPEndPoint(addresses[0], Port) : throw new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>How Exim's messages name it: <c>socket /run/dovecot/lmtp</c>, <c>host 127.0.0.1 port 24</c>.</summary>
    public override string ToString() => SocketPath is not null ? $"socket {SocketPath}" : $"host {Host} port {Port}";
}
