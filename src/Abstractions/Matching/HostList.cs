using System.Collections.Immutable;
using System.Net;

namespace Exim.Abstractions.Matching;

/// <summary>
/// An Exim host list matched against a client: items are IP addresses, CIDR networks (<c>10.0.0.0/8</c>),
/// <c>*</c>, <c>!</c>-negated items, and host-name patterns (<c>*.example.com</c>, matched against the verified host
/// name only, never with a lookup of their own). The first matching item decides; with no match the subject is not
/// in the list, unless the last item was negated (Exim's rule: <c>! 192.0.2.0/24</c> alone means "everyone else").
/// </summary>
public sealed class HostList
{
    private readonly ImmutableArray<Item> _items;

    /// <summary>Compiles a host list.</summary>
    /// <param name="items">The list items, in order.</param>
    public HostList(IEnumerable<string> items) => _items = [.. items.Select(Item.Parse)];

    /// <summary>The empty list, which matches nothing.</summary>
    public static HostList Empty { get; } = new([]);

    /// <summary>Whether the list has no items.</summary>
    public bool IsEmpty => _items.IsEmpty;

    /// <summary>Whether <paramref name="address"/> (or <paramref name="hostName"/>, for name items) is in the list.</summary>
    /// <param name="address">The client address; IPv4-mapped IPv6 is compared as IPv4.</param>
    /// <param name="hostName">The client's verified host name, when known.</param>
    public bool Matches(IPAddress address, string? hostName = null)
    {
        var client = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        foreach (var item in _items)
        {
            if (item.Matches(client, hostName)) return !item.Negated;
        }
        // Exim's rule: when nothing matched, a list ending in a negated item includes the subject.
        return !_items.IsEmpty && _items[^1].Negated;
    }

    private sealed record Item(bool Negated, bool Any, IPNetwork? Network, string? NamePattern)
    {
        public static Item Parse(string text)
        {
            var negated = text.StartsWith('!');
            var s = negated ? text[1..].Trim() : text.Trim();
            if (s == "*") return new Item(negated, true, null, null);
            if (s.Contains('/', StringComparison.Ordinal) && IPNetwork.TryParse(s, out var net)) return new Item(negated, false, net, null);
            if (IPAddress.TryParse(s, out var ip) && (s.Contains(':', StringComparison.Ordinal) || s.Count(c => c == '.') == 3))
            {
                ip = ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
                return new Item(negated, false, new IPNetwork(ip, ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128), null);
            }
            return new Item(negated, false, null, s.ToLowerInvariant());
        }

        public bool Matches(IPAddress client, string? hostName)
        {
            if (Any) return true;
            if (Network is { } n) return n.BaseAddress.AddressFamily == client.AddressFamily && n.Contains(client);
            if (hostName is null || NamePattern is null) return false;
            return NamePattern.StartsWith('*')
                ? hostName.EndsWith(NamePattern[1..], StringComparison.OrdinalIgnoreCase)
                : hostName.Equals(NamePattern, StringComparison.OrdinalIgnoreCase);
        }
    }
}
