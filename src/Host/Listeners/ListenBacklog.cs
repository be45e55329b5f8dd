using System.Globalization;
using System.Net.Sockets;

namespace Exim.Host.Listeners;

/// <summary>
/// A listening socket's accept queue as Linux reports it: getsockopt(TCP_INFO) on a listener gives the connections
/// waiting to be accepted (tcpi_unacked) and the backlog the kernel actually applied (tcpi_sacked), which is
/// smtp_connect_backlog capped by net.core.somaxconn. Elsewhere, or if the call fails, nothing is known.
/// </summary>
internal static class ListenBacklog
{
    private const int IpProtoTcp = 6;
    private const int TcpInfo = 11;
    private const int UnackedOffset = 24;
    private const int SackedOffset = 28;

    public static bool TryRead(Socket listening, out int waiting, out int limit)
    {
        (waiting, limit) = (0, 0);
        if (!OperatingSystem.IsLinux()) return false;
        Span<byte> info = stackalloc byte[104];
        try
        {
            if (listening.GetRawSocketOption(IpProtoTcp, TcpInfo, info) < SackedOffset + 4) return false;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
        waiting = BitConverter.ToInt32(info[UnackedOffset..]);
        limit = BitConverter.ToInt32(info[SackedOffset..]);
        return true;
    }

    /// <summary>net.core.somaxconn: the largest backlog listen() gives (in this network namespace), or null where unknown.</summary>
    public static int? KernelLimit()
    {
        try
        {
            return int.TryParse(File.ReadAllText("/proc/sys/net/core/somaxconn").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
