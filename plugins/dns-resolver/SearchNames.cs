namespace Exim.Plugins.DnsResolver;

/// <summary>
/// The names glibc's res_search tries, with its default ndots of 1: a name with a dot is tried as it is first and,
/// with RES_DNSRCH (search_parents), then with each search domain appended; a single-component name is tried with
/// the first search domain appended (RES_DEFNAMES, qualify_single; every search domain when RES_DNSRCH is set too),
/// and then as it is.
/// </summary>
internal static class SearchNames
{
    public static List<string> For(string name, bool qualifySingle, bool searchParents, IReadOnlyList<string> search)
    {
        var names = new List<string>();
        if (name.Contains('.', StringComparison.Ordinal))
        {
            names.Add(name);
            if (searchParents)
            {
                foreach (var domain in search) names.Add($"{name}.{domain}");
            }
            return names;
        }
        if (qualifySingle)
        {
            foreach (var domain in search)
            {
                names.Add($"{name}.{domain}");
                if (!searchParents) break;
            }
        }
        names.Add(name);
        return names;
    }
}
