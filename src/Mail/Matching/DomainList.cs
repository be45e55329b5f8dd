using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Exim.Mail.Matching;

/// <summary>
/// An Exim domain list: exact domains (case-insensitive), <c>*.suffix</c> and <c>*suffix</c> wildcards, <c>*</c>,
/// <c>@</c> (the primary host name), <c>+name</c> references to the named lists (<c>local_domains</c>,
/// <c>relay_to_domains</c>) and <c>!</c> negation. The first matching item decides; when none matches, the subject
/// is in the list only if the last item was negated (Exim's rule, which makes <c>! +local_domains</c> mean "every
/// domain that is not local").
/// </summary>
internal sealed class DomainList
{
    private readonly ImmutableArray<(bool Negated, string Pattern)> _items;
    private readonly string _primaryHostname;
    private readonly FrozenDictionary<string, DomainList> _named;

    public DomainList(IEnumerable<string> items, string primaryHostname, FrozenDictionary<string, DomainList>? named = null)
    {
        _items = [.. items.Select(i => i.StartsWith('!') ? (true, i[1..].Trim()) : (false, i.Trim()))];
        _primaryHostname = primaryHostname;
        _named = named ?? FrozenDictionary<string, DomainList>.Empty;
    }

    /// <summary>The named lists <c>+local_domains</c> and <c>+relay_to_domains</c> refer to.</summary>
    public static FrozenDictionary<string, DomainList> NamedLists(Exim.Abstractions.Config.MainOptions main) => new Dictionary<string, DomainList>
    {
        ["local_domains"] = new(main.LocalDomains, main.PrimaryHostname),
        ["relay_to_domains"] = new(main.RelayToDomains, main.PrimaryHostname),
    }.ToFrozenDictionary();

    public bool Matches(string domain)
    {
        foreach (var (negated, pattern) in _items)
        {
            if (ItemMatches(pattern, domain)) return !negated;
        }
        return !_items.IsEmpty && _items[^1].Negated;
    }

    private bool ItemMatches(string pattern, string domain)
    {
        if (pattern == "*") return true;
        if (pattern == "@") return domain.Equals(_primaryHostname, StringComparison.OrdinalIgnoreCase);
        if (pattern.StartsWith('+')) return _named.TryGetValue(pattern[1..], out var list) && list.Matches(domain);
        if (pattern.StartsWith('*')) return domain.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase);
        return domain.Equals(pattern, StringComparison.OrdinalIgnoreCase);
    }
}
