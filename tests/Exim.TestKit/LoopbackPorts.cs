using System.Net;
using System.Net.Sockets;

namespace Exim.TestKit;

/// <summary>Free ports on 127.0.0.1, for the DNS servers the tests start.</summary>
public static class LoopbackPorts
{
    /// <summary>A port free for both UDP and TCP on 127.0.0.1 (a DNS server listens on both).</summary>
    public static int FreeUdpAndTcp()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free UDP+TCP port on 127.0.0.1");
    }
}
