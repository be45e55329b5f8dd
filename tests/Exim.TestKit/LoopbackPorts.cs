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

    /// <summary>
    /// A TCP port free on 127.0.0.1 below the ephemeral range, for a program that will bind it while clients already try
    /// to connect: a connect to a port nobody listens on yet could otherwise be given that very port as its source and
    /// connect to itself (TCP simultaneous open), holding the port the program is about to bind.
    /// </summary>
    public static int FreeTcpBelowEphemeral()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free TCP port in 20000-32000 on 127.0.0.1");
    }
}
