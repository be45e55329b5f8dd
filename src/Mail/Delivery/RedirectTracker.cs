using System.Collections.Immutable;
using Exim.Mail.Routing;

namespace Exim.Mail.Delivery;

/// <summary>
/// One delivery attempt's routing results and the original recipients they came from (deliver.c's child counts): an
/// original recipient is done once every result routing gave it is done (delivered, failed, discarded); a duplicate
/// (another result with the same unique address) is delivered once, and done when the one delivered is.
/// </summary>
internal sealed class RedirectTracker
{
    private readonly Dictionary<RouteResult, string> _recipientOf = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> _outstanding = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RouteResult> _first = new(StringComparer.Ordinal);
    private readonly Dictionary<RouteResult, List<RouteResult>> _duplicates = new(ReferenceEqualityComparer.Instance);

    /// <summary>Records <paramref name="recipient"/>'s results.</summary>
    public void Add(string recipient, ImmutableArray<RouteResult> results)
    {
        foreach (var result in results) _recipientOf[result] = recipient;
        _outstanding[recipient] = _outstanding.GetValueOrDefault(recipient) + results.Length;
    }

    /// <summary>The original recipient <paramref name="result"/> came from.</summary>
    public string RecipientOf(RouteResult result) => _recipientOf[result];

    /// <summary>
    /// Whether <paramref name="result"/> duplicates one seen before in this attempt (the same unique address, deliver.c's
    /// do_duplicate_check); if so it is kept to be completed with that one.
    /// </summary>
    public bool IsDuplicate(RouteResult result)
    {
        var key = result.Unique ?? AddressRouter.UniqueOf(result.Address ?? RecipientOf(result));
        if (!_first.TryGetValue(key, out var first))
        {
            _first[key] = result;
            return false;
        }
        if (!_duplicates.TryGetValue(first, out var list)) _duplicates[first] = list = [];
        list.Add(result);
        return true;
    }

    /// <summary>The duplicates of <paramref name="result"/>, done when it is.</summary>
    public IReadOnlyList<RouteResult> DuplicatesOf(RouteResult result) => _duplicates.TryGetValue(result, out var list) ? list : [];

    /// <summary>Counts <paramref name="result"/> as done; true when that completes its original recipient.</summary>
    public bool Complete(RouteResult result) => --_outstanding[RecipientOf(result)] == 0;
}
