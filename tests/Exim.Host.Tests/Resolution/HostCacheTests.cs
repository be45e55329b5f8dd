using Exim.Abstractions.Resolution;
using Exim.Mail.Resolution;
using Exim.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Exim.Host.Tests.Resolution;

/// <summary>The host cache in front of the real dns-resolver plugin and NSD; time is a FakeTimeProvider.</summary>
public sealed class HostCacheTests(FinderFixture fixture) : IClassFixture<FinderFixture>
{
    private readonly FakeTimeProvider _time = new();

    private static Task<DnsAnswer> Query(HostCache cache, IDnsRecordResolver resolver, string name, DnsRecordType type = DnsRecordType.A)
        => cache.QueryAsync(resolver, new DnsQuestion(name, type), CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Default);

    [Fact]
    public async Task SecondLookup_IsServedFromTheCache_CaseInsensitively()
    {
        var cache = new HostCache(_time);
        var dns = new CountingResolver(fixture.Resolver);

        var first = await Query(cache, dns, "a.hosts.finder.test");
        var second = await Query(cache, dns, "A.HOSTS.finder.test");

        Assert.Same(first, second);
        Assert.Equal(1, dns.Calls);
        Assert.Equal((1L, 1L), (cache.Hits, cache.Misses));
    }

    [Fact]
    public async Task PositiveAnswers_LiveUntilTheirTtl()
    {
        var cache = new HostCache(_time);
        var dns = new CountingResolver(fixture.Resolver);
        await Query(cache, dns, "b.hosts.finder.test"); // TTL 300

        _time.Advance(TimeSpan.FromSeconds(299));
        await Query(cache, dns, "b.hosts.finder.test");
        Assert.Equal(1, dns.Calls);

        _time.Advance(TimeSpan.FromSeconds(2));
        await Query(cache, dns, "b.hosts.finder.test");
        Assert.Equal(2, dns.Calls);
    }

    [Fact]
    public async Task NegativeAnswers_LiveUntilTheSoaMinimum()
    {
        var cache = new HostCache(_time);
        var dns = new CountingResolver(fixture.Resolver);
        Assert.Equal(DnsStatus.NoMatch, (await Query(cache, dns, "nosuch.finder.test")).Status); // SOA minimum 60

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(DnsStatus.NoMatch, (await Query(cache, dns, "nosuch.finder.test")).Status);
        Assert.Equal(1, dns.Calls);

        _time.Advance(TimeSpan.FromSeconds(2));
        await Query(cache, dns, "nosuch.finder.test");
        Assert.Equal(2, dns.Calls);
    }

    [Fact]
    public async Task TemporaryFailures_AreNotCached()
    {
        var cache = new HostCache(_time);
        var dns = new CountingResolver(fixture.Resolver);

        Assert.Equal(DnsStatus.Again, (await Query(cache, dns, "x.broken.test")).Status);
        Assert.Equal(DnsStatus.Again, (await Query(cache, dns, "x.broken.test")).Status);

        Assert.Equal(2, dns.Calls);
    }

    [Fact]
    public async Task ConcurrentLookupsOfOneName_ShareOneQuery()
    {
        var cache = new HostCache(_time);
        var dns = new CountingResolver(fixture.Resolver);

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => Query(cache, dns, "c.hosts.finder.test"))));

        Assert.Equal(1, dns.Calls);
        Assert.All(answers, a => Assert.Equal(DnsStatus.Succeed, a.Status));
    }

    [Fact]
    public async Task TheAskerWhoStartedAQuery_CanGiveUp_WhileTheQueryGoesOnForTheOthers()
    {
        var cache = new HostCache(_time);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dns = new GatedResolver(fixture.Resolver, gate.Task);
        using var giveUp = new CancellationTokenSource();

        var first = cache.QueryAsync(dns, new DnsQuestion("c.hosts.finder.test", DnsRecordType.A), giveUp.Token).AsTask();
        var second = Query(cache, dns, "c.hosts.finder.test");
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(TestTimeouts.Default));
        Assert.False(second.IsCompleted);
        gate.SetResult();
        Assert.Equal(DnsStatus.Succeed, (await second).Status);
        Assert.Equal(DnsStatus.Succeed, (await Query(cache, dns, "c.hosts.finder.test")).Status);
        Assert.Equal(1, dns.Calls); // one query, shared, and its answer cached
    }

    /// <summary>The real resolver, holding every question until the gate opens.</summary>
    private sealed class GatedResolver(IDnsRecordResolver inner, Task gate) : IDnsRecordResolver
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public async ValueTask<DnsAnswer> QueryAsync(DnsQuestion question, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            await gate.WaitAsync(TestTimeouts.Default, cancellationToken);
            return await inner.QueryAsync(question, cancellationToken);
        }
    }

    [Fact]
    public async Task TheCacheIsBounded()
    {
        var cache = new HostCache(_time, maxEntries: 10);
        var dns = new CountingResolver(fixture.Resolver);

        for (var i = 0; i < 30; i++) await Query(cache, dns, $"n{i}.finder.test");

        Assert.InRange(cache.Count, 1, 10);
    }

    [Fact]
    public async Task HostFinder_ThroughTheCache_GivesTheSameHosts_AndSecondRunAsksNothing()
    {
        var cache = new HostCache(_time);
        var dns = new CountingResolver(fixture.Resolver);
        var options = new HostFindOptions { LocalAddresses = [System.Net.IPAddress.Parse("192.0.2.200")] };

        var direct = await new HostFinder(fixture.Resolver, new Random(1)).FindByDnsAsync("dual.finder.test", options, CancellationToken.None);
        var cached1 = await new HostFinder(new CachingDnsResolver(cache, dns), new Random(1)).FindByDnsAsync("dual.finder.test", options, CancellationToken.None);
        var calls = dns.Calls;
        var cached2 = await new HostFinder(new CachingDnsResolver(cache, dns), new Random(1)).FindByDnsAsync("dual.finder.test", options, CancellationToken.None);

        Assert.Equal<HostItem>(direct.Hosts, cached1.Hosts);
        Assert.Equal<HostItem>(direct.Hosts, cached2.Hosts);
        Assert.Equal(calls, dns.Calls);
    }
}
