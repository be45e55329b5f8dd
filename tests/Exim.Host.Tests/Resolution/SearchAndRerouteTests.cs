using Exim.Abstractions.Resolution;
using Exim.TestKit;

namespace Exim.Host.Tests.Resolution;

/// <summary>
/// qualify_single and search_parents (the dns-resolver plugin's search list, as glibc's res_search), widen_domains,
/// and the reroutes they cause, with <c>self = reroute:</c>; against a real NSD that also serves a root zone, so
/// names outside the test zones are NXDOMAIN as on the Internet.
/// </summary>
public sealed class SearchAndRerouteTests(RoutingFixture fixture) : IClassFixture<RoutingFixture>
{
    private const string Search = "search = [\"finder.test\"]";

    /// <summary>-bt's output for x@dual.finder.test reached from <paramref name="parent"/>.</summary>
    private static string DualChildOf(string parent) => $"""
        x@dual.finder.test
            <-- {parent}
          router = dnslookup, transport = remote_smtp
          host ds.hosts.finder.test [2001:db8::4] MX=10
          host ds.hosts.finder.test [192.0.2.4]   MX=10
          host c.hosts.finder.test  [192.0.2.3]   MX=20

        """.Replace("\r\n", "\n", StringComparison.Ordinal);

    private Task<DnsAnswer> QueryAsync(IDnsRecordResolver resolver, DnsQuestion question)
        => resolver.QueryAsync(question, CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Default);

    private Task<(int Code, string Stdout)> BtAsync(string routerOptions, params string[] addresses)
        => AddressTest.RunAsync(fixture.Dns, "", routerOptions, addresses, Search);

    [Fact]
    public async Task Plugin_QualifySingle_AppendsTheFirstSearchDomain_ToOneComponentNamesOnly()
    {
        var mx = new DnsQuestion("dual", DnsRecordType.Mx);

        var qualified = await QueryAsync(fixture.Resolver, mx with { QualifySingle = true });
        var plain = await QueryAsync(fixture.Resolver, mx);
        var dotted = await QueryAsync(fixture.Resolver, new DnsQuestion("mx.sub", DnsRecordType.Mx) { QualifySingle = true });

        Assert.Equal(DnsStatus.Succeed, qualified.Status);
        Assert.All(qualified.Records, r => Assert.Equal("dual.finder.test", r.Owner));
        Assert.Equal(DnsStatus.NoMatch, plain.Status);
        Assert.Equal(DnsStatus.NoMatch, dotted.Status);
    }

    [Fact]
    public async Task Plugin_SearchParents_TriesTheSearchDomains_AfterTheNameAsItIs()
    {
        var searched = await QueryAsync(fixture.Resolver, new DnsQuestion("mx.sub", DnsRecordType.Mx) { SearchParents = true });
        var missing = await QueryAsync(fixture.Resolver, new DnsQuestion("nowhere.sub", DnsRecordType.Mx) { SearchParents = true });
        // The name as it is answers first when it exists (a.hosts.finder.test.finder.test is never asked).
        var asItIs = await QueryAsync(fixture.Resolver, new DnsQuestion("a.hosts.finder.test", DnsRecordType.A) { SearchParents = true });

        Assert.Equal("mx.sub.finder.test", Assert.Single(searched.Records).Owner);
        Assert.Equal(DnsStatus.NoMatch, missing.Status);
        Assert.Equal("a.hosts.finder.test", Assert.Single(asItIs.Records).Owner);
    }

    [Fact]
    public async Task Plugin_SearchListDefaultsToResolvConf_LastSearchOrDomainLineWins()
    {
        using var dir = new TempDirectory();
        var resolvConf = dir.Write("resolv.conf", "nameserver 192.0.2.53\nsearch wrong.test\n# comment\ndomain finder.test\n");
        await using var host = await ResolverHost.StartAsync(fixture.Dns.NameServer, $"resolv_conf = \"{resolvConf}\"");

        var answer = await QueryAsync(host.Resolver, new DnsQuestion("dual", DnsRecordType.Mx) { QualifySingle = true });

        Assert.Equal(DnsStatus.Succeed, answer.Status);
        Assert.Equal("dual.finder.test", answer.Records[0].Owner);
    }

    [Fact]
    public async Task Bt_QualifySingle_ReroutesToTheQualifiedDomain_AndOffItIsUnrouteable()
    {
        var (code, stdout) = await BtAsync("", "x@dual");
        var (offCode, off) = await BtAsync("qualify_single = false", "x@dual");

        Assert.Equal(DualChildOf("x@dual"), stdout);
        Assert.Equal(0, code);
        Assert.Equal(2, offCode);
        Assert.Equal("x@dual is undeliverable: Unrouteable address\n", off);
    }

    [Fact]
    public async Task Bt_SearchParents_FindsAMultiComponentNameBelowASearchDomain()
    {
        var (code, stdout) = await BtAsync("search_parents = true", "x@mx.sub");
        var (offCode, off) = await BtAsync("", "x@mx.sub");

        Assert.Equal("x@mx.sub.finder.test\n    <-- x@mx.sub\n  router = dnslookup, transport = remote_smtp\n  host c.hosts.finder.test [192.0.2.3] MX=10\n", stdout);
        Assert.Equal(0, code);
        Assert.Equal(2, offCode);
        Assert.Equal("x@mx.sub is undeliverable: Unrouteable address\n", off);
    }

    [Fact]
    public async Task Bt_WidenDomains_TriesEachSuffixInTurn()
    {
        var widen = "widen_domains = [\"nowhere.test\", \"finder.test\"]";
        var (code, stdout) = await BtAsync($"qualify_single = false\n{widen}", "x@dual");
        var (dottedCode, dotted) = await BtAsync(widen, "x@mx.sub");
        var (noneCode, none) = await BtAsync(widen, "x@nothing.at.all");

        Assert.Equal(0, code);
        Assert.Equal(DualChildOf("x@dual"), stdout);
        Assert.Equal(0, dottedCode);
        Assert.StartsWith("x@mx.sub.finder.test\n    <-- x@mx.sub\n  router = dnslookup", dotted, StringComparison.Ordinal);
        Assert.Equal(2, noneCode);
        Assert.Equal("x@nothing.at.all is undeliverable: Unrouteable address\n", none);
    }

    [Theory]
    [InlineData("reroute:dual.finder.test")]
    [InlineData("reroute: rewrite: dual.finder.test")]
    public async Task Bt_SelfReroute_ReplacesTheDomain_AndRoutesTheChildFromTheFirstRouter(string self)
    {
        var (code, stdout) = await BtAsync($"self = \"{self}\"", "x@selfprimary.finder.test");

        Assert.Equal(0, code);
        Assert.Equal(DualChildOf("x@selfprimary.finder.test"), stdout);
    }

    [Fact]
    public async Task Bt_SelfRerouteToTheSameDomain_IsDeferredAsALoop()
    {
        var (code, stdout) = await BtAsync("self = \"reroute:selfprimary.finder.test\"", "x@selfprimary.finder.test");

        Assert.Equal(1, code);
        Assert.StartsWith("x@selfprimary.finder.test cannot be resolved at this time: more than 20 reroutes (a self = reroute: loop?)\n    <-- x@selfprimary.finder.test\n", stdout, StringComparison.Ordinal);
    }
}
