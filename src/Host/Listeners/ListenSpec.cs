using System.Net;
using System.Net.Sockets;

namespace Exim.Host.Listeners;

/// <summary>One address and port to listen on. Port 0 asks the kernel for a free port (tests).</summary>
internal readonly record struct ListenSpec(IPAddress Address, int Port)
{
    public bool IsWildcard => Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any);

    public bool IsIPv6 => Address.AddressFamily == AddressFamily.InterNetworkV6;

    public override string ToString() => $"[{Address}]:{Port}";
}
