using Exim.Abstractions.Diagnostics;
using System.Collections.Concurrent;
using Exim.Abstractions.Resolution;

namespace Exim.Mail.Resolution;

/// <summary>
/// The shared DNS answer cache (IMPROVE §2.10: Exim has none). Positive answers live until their lowest record TTL,
/// NoMatch/NoData until the SOA minimum (RFC 2308); temporary failures are not cached. One query is in flight per
/// (name, type) at a time: concurrent askers share it. The cache is bounded; when full, expired entries go first,
/// then the oldest. It holds only Abstractions records and asks the resolver it is handed on each lookup, so a
/// reloaded resolver plugin is used at once and never kept alive by the cache.
/// A hit allocates nothing: a struct key, a case-insensitive comparer, and the cached answer object itself.
/// </summary>
internal sealed class HostCache(TimeProvider time, int maxEntries = 100_000)
{
    private readonly ConcurrentDictionary<Key, Entry> _entries = new(KeyComparer.Instance);
    private readonly ConcurrentDictionary<Key, Task<DnsAnswer>> _inFlight = new(KeyComparer.Instance);
    private long _hits;
    private long _misses;

    public long Hits => Interlocked.Read(ref _hits);
    public long Misses => Interlocked.Read(ref _misses);
    public int Count => _entries.Count;

    public ValueTask<DnsAnswer> QueryAsync(IDnsRecordResolver resolver, DnsQuestion question, CancellationToken cancellationToken)
    {
        var key = new Key(question.Name, question.Type, question.RequestDnssec, question.QualifySingle, question.SearchParents);
        if (_entries.TryGetValue(key, out var entry) && entry.Expires > time.GetTimestamp())
        {
            Interlocked.Increment(ref _hits);
            return ValueTask.FromResult(entry.Answer);
        }
        Interlocked.Increment(ref _misses);
        return new ValueTask<DnsAnswer>(FetchAsync(resolver, question, key, cancellationToken));
    }

    private async Task<DnsAnswer> FetchAsync(IDnsRecordResolver resolver, DnsQuestion question, Key key, CancellationToken cancellationToken)
    {
        var fresh = new TaskCompletionSource<DnsAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = _inFlight.GetOrAdd(key, fresh.Task);
        // The query runs to its end whoever gives up waiting (others may share it, and its answer is cached); each asker,
        // the one that started it included, waits only as long as its own token allows.
        if (task == fresh.Task) _ = ResolveAsync(resolver, question, key, fresh);
        return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ResolveAsync(IDnsRecordResolver resolver, DnsQuestion question, Key key, TaskCompletionSource<DnsAnswer> fresh)
    {
        DnsAnswer answer;
        try
        {
            // A query that finished between our cache miss and winning the in-flight slot has stored its answer.
            if (_entries.TryGetValue(key, out var entry) && entry.Expires > time.GetTimestamp())
            {
                answer = entry.Answer;
            }
            else
            {
                EximMetrics.DnsQuery();
                answer = await resolver.QueryAsync(question, CancellationToken.None).ConfigureAwait(false);
                Store(key, answer);
            }
        }
        catch (Exception e)
        {
            _inFlight.TryRemove(new KeyValuePair<Key, Task<DnsAnswer>>(key, fresh.Task));
            fresh.SetException(e);
            return;
        }
        // Out of the in-flight table before anyone is answered: an asker that asks again at once (an answer not cached,
        // such as a temporary failure) must start a new query, not find this finished one.
        _inFlight.TryRemove(new KeyValuePair<Key, Task<DnsAnswer>>(key, fresh.Task));
        fresh.SetResult(answer);
    }

    private void Store(Key key, DnsAnswer answer)
    {
        var ttl = answer.Status switch
        {
            DnsStatus.Succeed => answer.Records.IsEmpty ? TimeSpan.Zero : answer.Records.Min(r => r.Ttl),
            DnsStatus.NoMatch or DnsStatus.NoData => answer.NegativeTtl ?? TimeSpan.Zero,
            _ => TimeSpan.Zero, // Again/Fail: ask again next time (Exim caches these for the process's life)
        };
        if (ttl <= TimeSpan.Zero) return;
        if (_entries.Count >= maxEntries) Evict();
        var now = time.GetTimestamp();
        _entries[key] = new Entry(answer, now + (long)(ttl.TotalSeconds * time.TimestampFrequency), now);
    }

    private void Evict()
    {
        var now = time.GetTimestamp();
        foreach (var (key, entry) in _entries)
        {
            if (entry.Expires <= now) _entries.TryRemove(key, out _);
        }
        var excess = _entries.Count - maxEntries * 9 / 10;
        if (excess <= 0) return;
        foreach (var (key, _) in _entries.OrderBy(e => e.Value.Stored).Take(excess).ToList()) _entries.TryRemove(key, out _);
    }

    private readonly record struct Key(string Name, DnsRecordType Type, bool Dnssec, bool Qualify, bool Search);

    private sealed record Entry(DnsAnswer Answer, long Expires, long Stored);

    private sealed class KeyComparer : IEqualityComparer<Key>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(Key x, Key y) => x.Type == y.Type && x.Dnssec == y.Dnssec && x.Qualify == y.Qualify && x.Search == y.Search
            && string.Equals(x.Name, y.Name, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode(Key k) => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(k.Name), k.Type, k.Dnssec, k.Qualify, k.Search);
    }
}
