using System.Net;
using Exim.Abstractions.Resolution;
using Exim.Host.Configuration;
using Exim.Mail.Routing;
using Exim.TestKit;

namespace Exim.Host.Tests.Resolution;

/// <summary>same_domain_copy_routing: one lookup serves every address of the domain (router level, real NSD).</summary>
public sealed class CopyRoutingTests(FinderFixture fixture) : IClassFixture<FinderFixture>
{
    private static readonly string[] Addresses = ["a@pref.finder.test", "b@pref.finder.test", "c@PREF.finder.test", "d@dual.finder.test"];

    private static AddressRouter Router(IDnsRecordResolver dns, bool copy, int seed)
    {
        var parsed = TomlConfigLoader.Parse($"""
            primary_hostname = "mx.test.example"
            [[transports]]
            name = "remote_smtp"
            driver = "smtp"
            [[routers]]
            name = "dnslookup"
            driver = "dnslookup"
            transport = "remote_smtp"
            same_domain_copy_routing = {(copy ? "true" : "false")}
            """, "/test/exim.toml");
        Assert.True(parsed.Succeeded, string.Join("\n", parsed.Errors));
        return Routing.TestRouters.For(parsed.Config!, dns, seed);
    }

    private async Task<(int Queries, List<RouteResult> Results)> RouteAsync(bool copy, params string[] addresses)
    {
        var counting = new CountingResolver(fixture.Resolver);
        var results = await Router(counting, copy, seed: 7).RouteManyAsync(addresses, CancellationToken.None).WaitAsync(TestTimeouts.Default);
        return (counting.Calls, [.. results]);
    }

    [Fact]
    public async Task On_LaterAddressesOfTheDomainGetACopy_WithoutAnyLookup()
    {
        var (alone, _) = await RouteAsync(copy: true, "a@pref.finder.test", "d@dual.finder.test");
        var (queries, results) = await RouteAsync(copy: true, Addresses);

        Assert.Equal(alone, queries);
        Assert.Equal([false, true, true, false], results.Select(r => r.Copied));
        Assert.Equal(Addresses, results.Select(r => r.Address));
        Assert.All(results, r => Assert.Equal(RouteOutcome.Accepted, r.Outcome));
        // The copy is the first address's routing itself, shuffled tie order included.
        Assert.Equal(results[0].Hosts, results[1].Hosts);
        Assert.Equal(results[0].Hosts, results[2].Hosts);
    }

    [Fact]
    public async Task Off_EveryAddressIsRoutedOnItsOwn()
    {
        var (alone, _) = await RouteAsync(copy: false, "a@pref.finder.test", "d@dual.finder.test");
        var (queries, results) = await RouteAsync(copy: false, Addresses);

        Assert.True(queries > alone, $"{queries} queries for four addresses, {alone} for two");
        Assert.All(results, r => Assert.False(r.Copied));
        Assert.Equal(["a.hosts.finder.test", "b.hosts.finder.test", "c.hosts.finder.test"], results[1].HostList.Select(h => h.Name).Order());
    }

    [Fact]
    public async Task OnlyRoutingsWithHostsAreCopied()
    {
        var (_, results) = await RouteAsync(copy: true, "a@nonexistent.finder.test", "b@nonexistent.finder.test");

        Assert.All(results, r => Assert.Equal((RouteOutcome.Failed, false), (r.Outcome, r.Copied)));
    }
}
