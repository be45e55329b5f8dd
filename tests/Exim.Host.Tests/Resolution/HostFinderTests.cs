using System.Net;
using Exim.Abstractions.Matching;
using Exim.Mail.Matching;
using Exim.Mail.Resolution;
using Exim.TestKit;

namespace Exim.Host.Tests.Resolution;

/// <summary>host_find_bydns against a real NSD through the real dns-resolver plugin, for the shapes of spec §2 and §5.4.</summary>
public sealed class HostFinderTests(FinderFixture fixture) : IClassFixture<FinderFixture>
{
    private static readonly IPAddress Self = IPAddress.Parse("192.0.2.200");
    private static readonly HostFindOptions Defaults = new() { LocalAddresses = [Self] };

    private Task<HostFindResult> FindAsync(string domain, HostFindOptions? options = null, int seed = 42)
        => new HostFinder(fixture.Resolver, new Random(seed)).FindByDnsAsync(domain, options ?? Defaults, CancellationToken.None).WaitAsync(TestTimeouts.Default);

    private static string[] Describe(HostFindResult r)
        => [.. r.Hosts.Select(h => $"{h.Name} [{h.Address?.ToString() ?? "unknown"}] MX={h.Mx}{(h.Usable ? "" : " unusable")}")];

    [Fact]
    public async Task Mx_InPreferenceOrder()
    {
        var r = await FindAsync("pref.finder.test");

        Assert.Equal(HostFindStatus.Found, r.Status);
        Assert.Equal([10, 10, 20], r.Hosts.Select(h => h.Mx));
        Assert.Equal("c.hosts.finder.test", r.Hosts[2].Name);
        Assert.Equal(["a.hosts.finder.test", "b.hosts.finder.test"], r.Hosts.Take(2).Select(h => h.Name).Order());
    }

    [Fact]
    public async Task EqualPreferences_AreShuffled()
    {
        var firsts = new HashSet<string>();
        for (var seed = 0; seed < 40; seed++) firsts.Add((await FindAsync("pref.finder.test", seed: seed)).Hosts[0].Name);

        Assert.Equal(["a.hosts.finder.test", "b.hosts.finder.test"], firsts.Order());
    }

    [Fact]
    public async Task DualStack_IPv6First_UnlessIpv4Prefer_AndIpv4OnlyDropsIPv6()
    {
        var plain = await FindAsync("dual.finder.test");
        var prefer = await FindAsync("dual.finder.test", Defaults with { Ipv4Prefer = true });
        var only = await FindAsync("dual.finder.test", Defaults with { Ipv4Only = true });

        Assert.Equal(["ds.hosts.finder.test [2001:db8::4] MX=10", "ds.hosts.finder.test [192.0.2.4] MX=10", "c.hosts.finder.test [192.0.2.3] MX=20"], Describe(plain));
        Assert.Equal(["ds.hosts.finder.test [192.0.2.4] MX=10", "ds.hosts.finder.test [2001:db8::4] MX=10", "c.hosts.finder.test [192.0.2.3] MX=20"], Describe(prefer));
        Assert.Equal(["ds.hosts.finder.test [192.0.2.4] MX=10", "c.hosts.finder.test [192.0.2.3] MX=20"], Describe(only));
    }

    [Fact]
    public async Task V6OnlyTarget_WithIpv4Only_IsUnusable()
    {
        Assert.Equal(["v6.hosts.finder.test [2001:db8::6] MX=10"], Describe(await FindAsync("v6only.finder.test")));
        var only = await FindAsync("v6only.finder.test", Defaults with { Ipv4Only = true });
        Assert.Equal(HostFindStatus.Failed, only.Status);
        Assert.Equal(["v6.hosts.finder.test [unknown] MX=10 unusable"], Describe(only));
    }

    [Fact]
    public async Task NoMx_UsesTheAddressesAsAnImplicitMx()
    {
        var r = await FindAsync("implicit.finder.test");

        Assert.Equal(HostFindStatus.Found, r.Status);
        Assert.Equal(["implicit.finder.test [192.0.2.7] MX=-1"], Describe(r));
    }

    [Fact]
    public async Task NoSuchDomain_Fails_WithoutTryingAddresses()
    {
        var r = await FindAsync("nonexistent.finder.test");

        Assert.Equal(HostFindStatus.Failed, r.Status);
        Assert.Empty(r.Hosts);
    }

    [Fact]
    public async Task NullMx_FailsAsNoSmtpService()
    {
        var r = await FindAsync("nullmx.finder.test");

        Assert.Equal(HostFindStatus.Failed, r.Status);
        Assert.True(r.NullMx);
    }

    [Fact]
    public async Task MissingTargets_AreKeptAsUnusable()
    {
        var alone = await FindAsync("missing.finder.test");
        var withBackup = await FindAsync("missing2.finder.test");

        Assert.Equal(HostFindStatus.Failed, alone.Status);
        Assert.Equal(["nothere.hosts.finder.test [unknown] MX=10 unusable"], Describe(alone));
        Assert.Equal(HostFindStatus.Found, withBackup.Status);
        Assert.Equal(["nothere.hosts.finder.test [unknown] MX=10 unusable", "a.hosts.finder.test [192.0.2.1] MX=20"], Describe(withBackup));
    }

    [Fact]
    public async Task MxToCname_TakesTheTargetsName()
    {
        Assert.Equal(["a.hosts.finder.test [192.0.2.1] MX=10"], Describe(await FindAsync("mxcname.finder.test")));
    }

    [Fact]
    public async Task SameHostTwice_KeepsItsBestPreference()
    {
        Assert.Equal(["a.hosts.finder.test [192.0.2.1] MX=10", "b.hosts.finder.test [192.0.2.2] MX=15"], Describe(await FindAsync("dup.finder.test")));
    }

    [Fact]
    public async Task ThisHostAsPrimary_IsFoundLocal()
    {
        Assert.Equal(HostFindStatus.FoundLocal, (await FindAsync("selfprimary.finder.test")).Status);
    }

    [Fact]
    public async Task ThisHostAsSecondary_IsCutWithEverythingWorse()
    {
        var r = await FindAsync("selfsecond.finder.test");

        Assert.Equal(HostFindStatus.Found, r.Status);
        Assert.True(r.RemovedLocal);
        Assert.Equal(["a.hosts.finder.test [192.0.2.1] MX=10"], Describe(r));
    }

    [Fact]
    public async Task EximsMxt3_NonexistentPrimaryAndLocalSecondary_Fails()
    {
        var r = await FindAsync("mxt3.finder.test");

        Assert.Equal(HostFindStatus.Failed, r.Status);
        Assert.True(r.RemovedLocal);
        Assert.Equal(["nothere.hosts.finder.test [unknown] MX=5 unusable"], Describe(r));
    }

    [Fact]
    public async Task IgnoreTargetHosts_RemovesThoseTargets()
    {
        var r = await FindAsync("ignored.finder.test", Defaults with { IgnoreTargetHosts = new HostList(["0.0.0.0", "127.0.0.0/8"]) });

        Assert.Equal(["b.hosts.finder.test [192.0.2.2] MX=20"], Describe(r));
    }

    [Fact]
    public async Task TemporaryFailure_IsAgainOnlyWhenNothingUsableRemains()
    {
        var alone = await FindAsync("again.finder.test");
        var withBackup = await FindAsync("again2.finder.test");

        Assert.Equal(HostFindStatus.Again, alone.Status);
        Assert.Equal(["x.broken.test [unknown] MX=10 unusable"], Describe(alone));
        Assert.Equal(HostFindStatus.Found, withBackup.Status);
        Assert.Equal("b.hosts.finder.test [192.0.2.2] MX=20", Describe(withBackup)[1]);
    }

    [Fact]
    public async Task MxToAnIpAddress_IsUnusableUnlessAllowed()
    {
        var plain = await FindAsync("iplike.finder.test");
        var allowed = await FindAsync("iplike.finder.test", Defaults with { AllowMxToIp = true });

        Assert.Equal(HostFindStatus.Failed, plain.Status);
        Assert.Equal(["192.0.2.9 [192.0.2.9] MX=10"], Describe(allowed));
    }

    [Fact]
    public async Task RepeatedAddresses_AreDropped()
    {
        Assert.Equal(["a.hosts.finder.test [192.0.2.1] MX=10"], Describe(await FindAsync("sharedip.finder.test")));
    }

    [Fact]
    public async Task CnameLoop_DefersWithoutHanging()
    {
        var r = await FindAsync("loopa.finder.test");

        Assert.Equal(HostFindStatus.Again, r.Status); // dns_lookup gives DNS_FAIL after dns_cname_loops: try again, never bounce
    }

    [Fact]
    public async Task BadlyFormedName_FailsTheSyntaxCheckWithoutAQuery()
    {
        var r = await FindAsync("bad..name.finder.test");

        Assert.Equal(HostFindStatus.Failed, r.Status);
        Assert.True(r.SyntaxError);
    }

    private static readonly HostFindOptions Srv = Defaults with { SrvServices = ["smtp"] };

    [Fact]
    public async Task Srv_PriorityGroupsInOrder_WithTheirPorts()
    {
        var r = await FindAsync("srv02.finder.test", Srv);

        Assert.Equal(HostFindStatus.Found, r.Status);
        Assert.Equal([(1, 99), (1, 99), (3, 66)], r.Hosts.Select(h => (h.Mx, h.Port ?? 0)));
        Assert.Equal("c.hosts.finder.test", r.Hosts[2].Name);
    }

    [Fact]
    public async Task Srv_WeightsDecideWhoComesFirstMostOften()
    {
        var aFirst = 0;
        for (var seed = 0; seed < 200; seed++)
        {
            if ((await FindAsync("srv02.finder.test", Srv, seed)).Hosts[0].Name == "a.hosts.finder.test") aFirst++;
        }

        Assert.InRange(aFirst, 110, 190); // weight 3 against 1: about three in four
    }

    [Fact]
    public async Task SrvDot_MeansNoService_AndNoSrv_FallsBackToMx()
    {
        var none = await FindAsync("nosmtp.finder.test", Srv);
        var mx = await FindAsync("pref.finder.test", Srv);

        Assert.Equal(HostFindStatus.Failed, none.Status);
        Assert.Equal("", Assert.Single(none.Hosts).Name);
        Assert.Equal([10, 10, 20], mx.Hosts.Select(h => h.Mx));
    }

    [Fact]
    public async Task DnsAgainMeansNonexist_TurnsADeferralIntoAFailure()
    {
        var r = await FindAsync("again.finder.test", Defaults with { AgainMeansNonexist = n => n.EndsWith("broken.test", StringComparison.Ordinal) });

        Assert.Equal(HostFindStatus.Failed, r.Status);
        Assert.Equal(["x.broken.test [unknown] MX=10 unusable"], Describe(r));
    }

    /// <summary>A server that fails MX queries for one name (as broken firewalls do) and answers everything else truly.</summary>
    private sealed class FailingMx(Abstractions.Resolution.IDnsRecordResolver inner, string name) : Abstractions.Resolution.IDnsRecordResolver
    {
        public ValueTask<Abstractions.Resolution.DnsAnswer> QueryAsync(Abstractions.Resolution.DnsQuestion question, CancellationToken cancellationToken)
            => question.Type == Abstractions.Resolution.DnsRecordType.Mx && question.Name == name
                ? ValueTask.FromResult(Abstractions.Resolution.DnsAnswer.Empty(Abstractions.Resolution.DnsStatus.Again))
                : inner.QueryAsync(question, cancellationToken);
    }

    [Fact]
    public async Task MxFailDomains_TurnAnMxFailureIntoNoMx()
    {
        var failing = new FailingMx(fixture.Resolver, "implicit.finder.test");
        var finder = new HostFinder(failing, new Random(1));

        var plain = await finder.FindByDnsAsync("implicit.finder.test", Defaults, CancellationToken.None);
        var listed = await finder.FindByDnsAsync("implicit.finder.test", Defaults with { MxFailDomain = d => d == "implicit.finder.test" }, CancellationToken.None);

        Assert.Equal(HostFindStatus.Again, plain.Status);
        Assert.Equal(["implicit.finder.test [192.0.2.7] MX=-1"], Describe(listed));
    }
}
