using System.Collections.Immutable;
using System.Net;
using System.Text.RegularExpressions;
using Exim.Abstractions.Matching;
using Exim.Abstractions.Resolution;

namespace Exim.Mail.Matching;

/// <summary>The host's <see cref="IHostList"/>: Exim's host-list matching (its semantics are documented there).</summary>
internal sealed class HostList : IHostList
{
    private readonly ImmutableArray<Item> _items;
    private readonly ImmutableArray<Item> _matchItems;

    /// <summary>Compiles a host list.</summary>
    /// <param name="items">The list items, in order.</param>
    public HostList(IEnumerable<string> items)
    {
        _items = [.. items.Select(Item.Parse)];
        _matchItems = [.. _items.Where(i => i.Kind != ItemKind.Flag)];
        HasNameItems = _items.Any(i => i.Kind is ItemKind.ForwardName or ItemKind.Pattern);
    }

    /// <summary>The empty list, which matches nothing.</summary>
    public static HostList Empty { get; } = new([]);

    public bool IsEmpty => _matchItems.IsEmpty;

    public bool HasNameItems { get; }

    public bool Matches(IPAddress address, string? hostName = null)
    {
        var client = Normalize(address);
        foreach (var item in _matchItems)
        {
            if (item.MatchesWithoutLookup(client, hostName)) return !item.Negated;
        }
        return LastNegated;
    }

    public ValueTask<HostListMatch> MatchAsync(IPAddress address, string? hostName, IHostNameLookups? lookups, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!HasNameItems) return ValueTask.FromResult(Matches(address, hostName) ? HostListMatch.Match : HostListMatch.NoMatch);
        return MatchWithLookupsAsync(Normalize(address), hostName, lookups, cancellationToken);
    }

    private bool LastNegated => !_matchItems.IsEmpty && _matchItems[^1].Negated;

    private async ValueTask<HostListMatch> MatchWithLookupsAsync(IPAddress client, string? hostName, IHostNameLookups? lookups, CancellationToken cancellationToken)
    {
        var (unknown, deferred) = (Policy.Default, Policy.Default);
        ImmutableArray<string>? names = hostName is null ? null : [hostName];
        foreach (var item in _items)
        {
            bool matched;
            switch (item.Kind)
            {
                case ItemKind.Flag:
                    if (item.Text.EndsWith("_unknown", StringComparison.Ordinal)) unknown = item.Text.StartsWith("+include", StringComparison.Ordinal) ? Policy.Include : Policy.Ignore;
                    else deferred = item.Text.StartsWith("+include", StringComparison.Ordinal) ? Policy.Include : Policy.Ignore;
                    continue;
                case ItemKind.ForwardName:
                    var forward = lookups is null ? null : await lookups.ForwardAsync(item.Text, cancellationToken).ConfigureAwait(false);
                    if (forward is not { Status: AddressLookupStatus.Found })
                    {
                        var again = forward?.Status == AddressLookupStatus.Again;
                        if (Decide(again ? deferred : unknown, again) is { } decided) return decided;
                        continue;
                    }
                    matched = forward.Addresses.Any(a => Normalize(a).Equals(client));
                    break;
                case ItemKind.Pattern:
                    if (names is null)
                    {
                        var reverse = lookups is null ? HostNames.None : await lookups.ReverseAsync(client, cancellationToken).ConfigureAwait(false);
                        if (reverse.Status != AddressLookupStatus.Found)
                        {
                            var again = reverse.Status == AddressLookupStatus.Again;
                            if (Decide(again ? deferred : unknown, again) is { } decided) return decided;
                            continue;
                        }
                        names = reverse.Names;
                    }
                    matched = names.Value.Any(item.MatchesName);
                    break;
                default:
                    matched = item.MatchesWithoutLookup(client, null);
                    break;
            }
            if (matched) return item.Negated ? HostListMatch.NoMatch : HostListMatch.Match;
        }
        return LastNegated ? HostListMatch.Match : HostListMatch.NoMatch;
    }

    /// <summary>A name that cannot be found (or a deferred lookup): the list's answer, or null to skip the item.</summary>
    private static HostListMatch? Decide(Policy policy, bool again) => policy switch
    {
        Policy.Include => HostListMatch.Match,
        Policy.Ignore => null,
        _ => again ? HostListMatch.Defer : HostListMatch.NoMatch,
    };

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private enum Policy : byte { Default, Include, Ignore }

    private enum ItemKind : byte { Any, Network, ForwardName, Pattern, Flag }

    private sealed record Item(ItemKind Kind, bool Negated, IPNetwork? Network, string Text, Regex? Regex)
    {
        public static Item Parse(string text)
        {
            var negated = text.StartsWith('!');
            var s = negated ? text[1..].Trim() : text.Trim();
            if (!negated && s is "+include_unknown" or "+ignore_unknown" or "+include_defer" or "+ignore_defer") return new Item(ItemKind.Flag, false, null, s, null);
            if (s == "*") return new Item(ItemKind.Any, negated, null, s, null);
            if (s.Contains('/', StringComparison.Ordinal) && IPNetwork.TryParse(s, out var net)) return new Item(ItemKind.Network, negated, net, s, null);
            if (IPAddress.TryParse(s, out var ip) && (s.Contains(':', StringComparison.Ordinal) || s.Count(c => c == '.') == 3))
            {
                ip = Normalize(ip);
                return new Item(ItemKind.Network, negated, new IPNetwork(ip, ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128), s, null);
            }
            if (s.StartsWith('^'))
            {
                return new Item(ItemKind.Pattern, negated, null, s, new Regex(s, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
            }
            var plain = s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
            return new Item(plain ? ItemKind.ForwardName : ItemKind.Pattern, negated, null, s.ToLowerInvariant(), null);
        }

        public bool MatchesWithoutLookup(IPAddress client, string? hostName) => Kind switch
        {
            ItemKind.Any => true,
            ItemKind.Network => Network is { } n && n.BaseAddress.AddressFamily == client.AddressFamily && n.Contains(client),
            ItemKind.ForwardName or ItemKind.Pattern => hostName is not null && MatchesName(hostName),
            _ => false,
        };

        /// <summary>A name item against one host name: <c>*suffix</c>, <c>^regex</c>, or the whole name, ignoring case.</summary>
        public bool MatchesName(string hostName)
        {
            if (Regex is not null) return Regex.IsMatch(hostName);
            return Text.StartsWith('*')
                ? hostName.EndsWith(Text[1..], StringComparison.OrdinalIgnoreCase)
                : hostName.Equals(Text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
