using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using Exim.Abstractions.Config;

namespace Exim.Host.Metrics;

/// <summary>
/// <c>metrics_prometheus_listen</c>: a port (then 127.0.0.1), <c>ip:port</c> or <c>[ipv6]:port</c>. The metrics carry no
/// authentication, so an address other than loopback is refused unless <c>metrics_prometheus_allow_remote</c> is set.
/// </summary>
internal static class PrometheusEndpoint
{
    public const string Option = "metrics_prometheus_listen";

    /// <summary>The endpoint, or null when the option is empty or wrong (then <paramref name="error"/> says why).</summary>
    public static IPEndPoint? Parse(MainOptions main, out string? error)
    {
        error = null;
        var text = main.MetricsPrometheusListen.Trim();
        if (text.Length == 0) return null;
        if (!TryParse(text, out var endpoint))
        {
            error = $"{Option}: \"{text}\" is not a port, ip:port or [ipv6]:port";
            return null;
        }
        if (!IPAddress.IsLoopback(endpoint.Address) && !main.MetricsPrometheusAllowRemote)
        {
            error = $"{Option}: {endpoint} is not a loopback address; the metrics are not authenticated: set metrics_prometheus_allow_remote = true to serve them there";
            return null;
        }
        return endpoint;
    }

    /// <summary>The exporter's Host: the address, an IPv6 one in brackets; <c>+</c> (every address) for 0.0.0.0 or ::.</summary>
    public static string Host(IPEndPoint endpoint)
        => endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any) ? "+"
            : endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]"
            : endpoint.Address.ToString();

    private static bool TryParse(string text, [NotNullWhen(true)] out IPEndPoint? endpoint)
    {
        endpoint = null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            if (port is < 1 or > 65535) return false;
            endpoint = new IPEndPoint(IPAddress.Loopback, port);
            return true;
        }
        return IPEndPoint.TryParse(text, out endpoint) && endpoint.Port != 0;
    }
}
