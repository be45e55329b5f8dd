using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Exim.Mail.Matching;

/// <summary>
/// An Exim address list (as <c>untrusted_set_sender</c> uses one): items are tried in order and the first that matches
/// decides; <c>!</c> negates an item; when none matches, the address is in the list only if the last item was negated.
/// An item is <c>*</c> (everything), <c>^regex</c> (matched against the whole address, caselessly), <c>local@domain</c>
/// (the local part exact or <c>*suffix</c>, caselessly; the domain as a domain list item, so <c>*.example.com</c>,
/// <c>@</c> and <c>+local_domains</c> work), <c>@domain</c> (any local part), or a domain list item alone (the address's
/// domain). Lookups and file names, which Exim also allows, are not supported: the configuration refuses them.
/// </summary>
internal sealed class AddressList
{
    private readonly ImmutableArray<Item> _items;

    public AddressList(IEnumerable<string> items, string primaryHostname, FrozenDictionary<string, DomainList>? named = null)
    {
        _items = [.. items.Select(raw =>
        {
            var negated = raw.StartsWith('!');
            var pattern = (negated ? raw[1..] : raw).Trim();
            return new Item(negated, pattern, pattern.StartsWith('^')
                ? new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, LocalPartList.RegexTimeout) : null,
                DomainPart(pattern) is { } domain ? new DomainList([domain], primaryHostname, named) : null);
        })];
    }

    /// <summary>An item Exim's address lists allow but this one does not understand, or null when all are fine.</summary>
    public static string? Unsupported(IEnumerable<string> items)
    {
        foreach (var raw in items)
        {
            var pattern = raw.TrimStart('!').Trim();
            if (pattern.StartsWith('/') || (pattern.Contains(';', StringComparison.Ordinal) && !pattern.StartsWith('^'))) return pattern;
        }
        return null;
    }

    public bool Matches(string address)
    {
        foreach (var item in _items)
        {
            if (item.Matches(address)) return !item.Negated;
        }
        return !_items.IsEmpty && _items[^1].Negated;
    }

    private static string? DomainPart(string pattern)
    {
        if (pattern == "*" || pattern.StartsWith('^')) return null;
        var at = pattern.LastIndexOf('@');
        return at < 0 ? pattern : at == pattern.Length - 1 ? "@" : pattern[(at + 1)..];
    }

    private sealed record Item(bool Negated, string Pattern, Regex? Regex, DomainList? Domain)
    {
        public bool Matches(string address)
        {
            if (Pattern == "*") return true;
            if (Regex is not null) return Regex.IsMatch(address);
            var at = address.LastIndexOf('@');
            var local = at < 0 ? address : address[..at];
            var domain = at < 0 ? "" : address[(at + 1)..];
            var patternAt = Pattern.LastIndexOf('@');
            if (patternAt > 0)
            {
                var localPattern = Pattern[..patternAt];
                var localMatches = localPattern.StartsWith('*')
                    ? local.EndsWith(localPattern[1..], StringComparison.OrdinalIgnoreCase)
                    : local.Equals(localPattern, StringComparison.OrdinalIgnoreCase);
                if (!localMatches) return false;
            }
            return Domain!.Matches(domain);
        }
    }
}
