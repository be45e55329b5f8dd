using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using Exim.Abstractions.Config;
using Exim.Host.Configuration.Values;
using Exim.Mail.Resolution;

namespace Exim.Host.Listeners;

/// <summary>
/// Exim's listen configuration (spec §1.2–1.3): <c>local_interfaces</c> × <c>daemon_smtp_ports</c>, or the <c>-oX</c>
/// override, with the item forms <c>[addr]:port</c> and <c>addr.port</c>. Wildcards on the same port are put next
/// to each other, IPv6 first, whatever the configured order.
/// </summary>
internal static class ListenConfig
{
    public static ImmutableArray<ListenSpec> Resolve(MainOptions main, string? overrideList, out string? error)
    {
        error = null;
        var interfaces = main.LocalInterfaces;
        var ports = main.DaemonSmtpPorts;
        var where = "local_interfaces";
        if (overrideList is not null)
        {
            // -oX: items with a dot or colon replace local_interfaces, the rest replace daemon_smtp_ports.
            var items = EximList.Parse(overrideList);
            var addresses = items.Where(i => i.Contains('.', StringComparison.Ordinal) || i.Contains(':', StringComparison.Ordinal)).ToImmutableArray();
            var portItems = items.Where(i => !addresses.Contains(i)).ToImmutableArray();
            if (!addresses.IsEmpty) interfaces = addresses;
            if (!portItems.IsEmpty) ports = portItems;
            where = "-oX data";
        }

        var defaultPorts = new List<int>();
        foreach (var p in ports)
        {
            if (!PortNames.TryResolve(p, out var port))
            {
                error = p.All(char.IsAsciiDigit) ? $"invalid SMTP port: {p}" : $"TCP port \"{p}\" not found";
                return [];
            }
            defaultPorts.Add(port);
        }

        var specs = new List<ListenSpec>();
        foreach (var item in interfaces)
        {
            if (!TrySplit(item, out var address, out var port))
            {
                error = $"Malformed IP address \"{item}\" in {where}";
                return [];
            }
            if (main.DisableIpv6 && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) continue;
            if (port is { } p) specs.Add(new ListenSpec(address, p));
            else if (defaultPorts.Count == 0)
            {
                error = $"no port specified for interface {item} and daemon_smtp_port is unset; cannot start daemon";
                return [];
            }
            else specs.AddRange(defaultPorts.Select(dp => new ListenSpec(address, dp)));
        }
        return Order(specs.Distinct());
    }

    /// <summary>Puts each IPv6 wildcard directly before the IPv4 wildcard on the same port (Exim's pairing).</summary>
    private static ImmutableArray<ListenSpec> Order(IEnumerable<ListenSpec> specs)
    {
        var list = specs.ToList();
        var result = new List<ListenSpec>(list.Count);
        foreach (var spec in list)
        {
            if (result.Contains(spec)) continue;
            if (spec.IsWildcard)
            {
                var v6 = new ListenSpec(IPAddress.IPv6Any, spec.Port);
                var v4 = new ListenSpec(IPAddress.Any, spec.Port);
                if (list.Contains(v6) && list.Contains(v4))
                {
                    result.Add(v6);
                    result.Add(v4);
                    continue;
                }
            }
            result.Add(spec);
        }
        return [.. result];
    }

    /// <summary><c>[addr]:port</c>, <c>addr.port</c> (the 4th dot of IPv4, the first dot of IPv6) or a bare address.</summary>
    internal static bool TrySplit(string item, out IPAddress address, out int? port)
    {
        address = IPAddress.None;
        port = null;
        var text = item.Trim();
        string host = text;
        string? portText = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0) return false;
            host = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length > 0)
            {
                if (!rest.StartsWith(':') || rest.Length == 1) return false;
                portText = rest[1..];
            }
        }
        else if (text.Contains(':', StringComparison.Ordinal))
        {
            var dot = text.IndexOf('.', StringComparison.Ordinal);
            if (dot >= 0 && !IPAddress.TryParse(text, out _)) (host, portText) = (text[..dot], text[(dot + 1)..]);
        }
        else
        {
            var dots = 0;
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] != '.' || ++dots != 4) continue;
                (host, portText) = (text[..i], text[(i + 1)..]);
                break;
            }
        }
        if (host == "::0") host = "::";
        if (!IPAddress.TryParse(host, out var parsed) || parsed is null) return false;
        if (host.Contains('.', StringComparison.Ordinal) && host.Count(c => c == '.') != 3 && parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) return false;
        address = parsed;
        if (portText is null) return true;
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 65535) return false;
        port = p;
        return true;
    }
}
