using System.Net;
using Exim.Abstractions.Matching;
using Exim.Mail.Matching;
using Exim.Mail.Resolution;
using Exim.TestKit;

namespace Exim.Host.Tests.Resolution;

/// <summary>
/// Host-name items in host lists, looked up through the real dns-resolver plugin and NSD: 127.0.0.1's PTR names
/// client.finder.test, which confirms; 127.0.0.2's names liar.finder.test, which does not.
/// </summary>
public sealed class HostNameListTests(FinderFixture fixture) : IClassFixture<FinderFixture>
{
    private static readonly IPAddress Client = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress Liar = IPAddress.Parse("127.0.0.2");

    private ConnectionHostNames Lookups(CountingResolver? counting = null)
    {
        var dns = (Abstractions.Resolution.IDnsRecordResolver?)counting ?? fixture.Resolver;
        return new((ip, ct) => ReverseLookup.LookupAsync(dns, ip, new DnsLookupSettings(1), ct), (name, ct) => ForwardLookup.LookupAsync(dns, name, new DnsLookupSettings(1), ct));
    }

    // Through the service plugins and scripts get.
    private async Task<HostListMatch> MatchAsync(string[] items, IPAddress address, string? hostName = null)
        => await HostListFactory.Instance.Compile([.. items]).MatchAsync(address, hostName, Lookups(), CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Default);

    [Theory]
    [InlineData(new[] { "*.finder.test" }, "127.0.0.1", HostListMatch.Match)]
    [InlineData(new[] { "^client\\.finder\\.TEST$" }, "127.0.0.1", HostListMatch.Match)]
    [InlineData(new[] { "! *.finder.test" }, "127.0.0.1", HostListMatch.NoMatch)]
    [InlineData(new[] { "*.example.com" }, "127.0.0.1", HostListMatch.NoMatch)]
    // 127.0.0.2 has no confirmed name: the list does not match, unless +include_unknown says it does.
    [InlineData(new[] { "*.finder.test", "127.0.0.2" }, "127.0.0.2", HostListMatch.NoMatch)]
    [InlineData(new[] { "+include_unknown", "*.finder.test" }, "127.0.0.2", HostListMatch.Match)]
    [InlineData(new[] { "+ignore_unknown", "*.finder.test", "127.0.0.2" }, "127.0.0.2", HostListMatch.Match)]
    public async Task Patterns_MatchTheClientsConfirmedName(string[] items, string address, HostListMatch expected)
        => Assert.Equal(expected, await MatchAsync(items, IPAddress.Parse(address)));

    [Theory]
    [InlineData(new[] { "client.finder.test" }, "127.0.0.1", HostListMatch.Match)]
    [InlineData(new[] { "client.finder.test" }, "127.0.0.2", HostListMatch.NoMatch)]
    [InlineData(new[] { "a.hosts.finder.test", "alsoa.hosts.finder.test" }, "192.0.2.1", HostListMatch.Match)]
    // A name that does not exist ends the list as "no match", before a later item could match.
    [InlineData(new[] { "nothere.finder.test", "127.0.0.2" }, "127.0.0.2", HostListMatch.NoMatch)]
    [InlineData(new[] { "+ignore_unknown", "nothere.finder.test", "127.0.0.2" }, "127.0.0.2", HostListMatch.Match)]
    // A lookup that fails temporarily (the zone answers SERVFAIL) defers the list.
    [InlineData(new[] { "x.broken.test", "127.0.0.2" }, "127.0.0.2", HostListMatch.Defer)]
    [InlineData(new[] { "+ignore_defer", "x.broken.test", "127.0.0.2" }, "127.0.0.2", HostListMatch.Match)]
    [InlineData(new[] { "+include_defer", "x.broken.test" }, "127.0.0.9", HostListMatch.Match)]
    public async Task PlainNames_AreLookedUpForward(string[] items, string address, HostListMatch expected)
        => Assert.Equal(expected, await MatchAsync(items, IPAddress.Parse(address)));

    [Fact]
    public async Task AGivenHostName_IsMatchedWithoutAReverseLookup()
    {
        var counting = new CountingResolver(fixture.Resolver);
        var list = new HostList(["*.hosts.finder.test"]);

        var match = await list.MatchAsync(Liar, "b.hosts.finder.test", Lookups(counting), CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Default);

        Assert.Equal((HostListMatch.Match, 0), (match, counting.Calls));
    }

    [Fact]
    public async Task TheClientsNameIsLookedUpOncePerConnection()
    {
        var counting = new CountingResolver(fixture.Resolver);
        var lookups = Lookups(counting);

        var first = await new HostList(["*.finder.test"]).MatchAsync(Client, null, lookups, CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Default);
        var calls = counting.Calls;
        var second = await new HostList(["! *.example.com", "^client"]).MatchAsync(Client, null, lookups, CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Default);

        Assert.Equal((HostListMatch.Match, HostListMatch.Match), (first, second));
        Assert.True(calls >= 2, $"{calls}"); // the PTR and the forward confirmation
        Assert.Equal(calls, counting.Calls);
    }

    [Fact]
    public async Task AListWithoutNameItems_NeverLooksAnythingUp()
    {
        var list = new HostList(["! 10.0.0.0/8", "127.0.0.0/8"]);
        var lookups = new ConnectionHostNames((_, _) => throw new InvalidOperationException("reverse"), (_, _) => throw new InvalidOperationException("forward"));

        var match = await list.MatchAsync(Client, null, lookups, CancellationToken.None);

        Assert.False(list.HasNameItems);
        Assert.Equal(HostListMatch.Match, match);
    }
}
