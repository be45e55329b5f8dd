using System.Net;
using Exim.Abstractions.Resolution;
using Exim.Host.Tests.Hints;
using Exim.Host.Tests.Resolution;
using Exim.Host.Tests.Routing;
using Exim.Mail.Resolution;
using Exim.Mail.Tls.Dane;
using Exim.TestKit;

namespace Exim.Host.Tests.Tls;

/// <summary>
/// TLSA lookups through the dns-resolver plugin and a real validating resolver (unbound) in front of NSD serving zones
/// signed at test time: the AD bit only where validation succeeded, SERVFAIL where it failed, and Exim's tlsa_lookup
/// outcomes on top.
/// </summary>
public sealed class DaneLookupTests(DaneDnsFixture fixture) : IClassFixture<DaneDnsFixture>
{
    private static readonly DnsLookupSettings Settings = new(CnameLoops: 1);

    private Task<DnsAnswer> QueryAsync(string name, DnsRecordType type)
        => fixture.Resolver.QueryAsync(new DnsQuestion(name, type, RequestDnssec: true), CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Default);

    private Task<DaneLookupResult> LookupAsync(string host, bool hostSecure = true, DnsLookupSettings? settings = null, IDnsRecordResolver? resolver = null)
        => DaneLookup.LookupAsync(resolver ?? fixture.Resolver, host, 25, hostSecure, settings ?? Settings, CancellationToken.None).WaitAsync(TestTimeouts.Default);

    [Fact]
    public async Task Resolver_SetsAd_OnlyForAnswersThatValidated()
    {
        var signed = await QueryAsync("_25._tcp.mx.dane.test", DnsRecordType.Tlsa);
        var signedDenial = await QueryAsync("_25._tcp.none.dane.test", DnsRecordType.Tlsa);
        var unsigned = await QueryAsync("_25._tcp.mx.insecure.test", DnsRecordType.Tlsa);
        var bogusZone = await QueryAsync("mx.bogus.test", DnsRecordType.A);
        var bogusRecord = await QueryAsync("_25._tcp.broken.dane.test", DnsRecordType.Tlsa);
        var goodBesideIt = await QueryAsync("broken.dane.test", DnsRecordType.A);

        Assert.Equal((DnsStatus.Succeed, true, 2), (signed.Status, signed.Authenticated, signed.Records.Length));
        Assert.Equal((DnsStatus.NoMatch, true), (signedDenial.Status, signedDenial.Authenticated));
        Assert.Equal((DnsStatus.Succeed, false), (unsigned.Status, unsigned.Authenticated));
        Assert.Equal(DnsStatus.Again, bogusZone.Status);
        Assert.Equal(DnsStatus.Again, bogusRecord.Status);
        Assert.Equal((DnsStatus.Succeed, true), (goodBesideIt.Status, goodBesideIt.Authenticated));
        Assert.Contains("validation failure", fixture.Unbound.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolver_RefusesNamesOutsideTheTestZones()
    {
        var outside = await QueryAsync("example.com", DnsRecordType.A);

        Assert.Equal(DnsStatus.Again, outside.Status); // REFUSED by unbound itself: nothing went to the Internet
    }

    [Fact]
    public async Task HostFinder_MarksHostsFromSignedZonesSecure_AndOthersNot()
    {
        var finder = new HostFinder(fixture.Resolver, new Random(1));
        var options = new HostFindOptions { LocalAddresses = [IPAddress.Parse("192.0.2.200")] };

        var signed = await finder.FindByDnsAsync("dane.test", options, CancellationToken.None).WaitAsync(TestTimeouts.Default);
        var unsigned = await finder.FindByDnsAsync("insecure.test", options, CancellationToken.None).WaitAsync(TestTimeouts.Default);

        Assert.Equal(("mx.dane.test", DnssecStatus.Yes), (signed.Hosts.Single().Name, signed.Hosts.Single().Dnssec));
        Assert.Equal(("mx.insecure.test", DnssecStatus.No), (unsigned.Hosts.Single().Name, unsigned.Hosts.Single().Dnssec));
    }

    [Fact]
    public async Task DnslookupRouter_HandsTheTransportHostsMarkedSecure_AndDaneFollowsFromThem()
    {
        // The path a delivery takes: the configured dnslookup router (dnssec_request_domains defaults to *) routes
        // through the real plugin and unbound; the host items it hands the transport carry dnssec, which decides DANE.
        await using var core = await VerifierHost.StartAsync(fixture.Unbound.NameServer);

        var secure = await core.Router.RouteAsync("user@dane.test", null, CancellationToken.None).WaitAsync(TestTimeouts.Default);
        var insecure = await core.Router.RouteAsync("user@insecure.test", null, CancellationToken.None).WaitAsync(TestTimeouts.Default);
        var secureHost = Assert.Single(secure.HostList);
        var insecureHost = Assert.Single(insecure.HostList);
        var secureDane = await DanePolicy.DecideAsync(fixture.Resolver, secureHost, 25, tryDane: true, requireDane: false, Settings, CancellationToken.None);
        var insecureDane = await DanePolicy.DecideAsync(fixture.Resolver, insecureHost, 25, tryDane: true, requireDane: false, Settings, CancellationToken.None);

        Assert.Equal(("mx.dane.test", DnssecStatus.Yes), (secureHost.Name, secureHost.Dnssec));
        Assert.Equal(("mx.insecure.test", DnssecStatus.No), (insecureHost.Name, insecureHost.Dnssec));
        Assert.Equal((DaneMode.Verify, DaneMode.None), (secureDane.Mode, insecureDane.Mode));
    }

    [Fact]
    public async Task SecureHost_WithTlsa_GetsTheRecords_AndTheyMatchTheServersCertificate()
    {
        var lookup = await LookupAsync("mx.dane.test");
        var decision = DanePolicy.Decide(lookup, required: false);
        var match = DaneMatcher.Match(decision.Records, fixture.PresentedChain, decision.Names, DateTime.UtcNow);

        Assert.Equal((DaneLookupStatus.Records, "_25._tcp.mx.dane.test", "mx.dane.test"), (lookup.Status, lookup.Name, lookup.BaseDomain));
        Assert.Equal(["2 0 2", "3 1 1"], lookup.Records.Select(r => $"{r.Usage} {r.Selector} {r.MatchingType}").Order());
        Assert.Equal((DaneMode.Verify, "mx.dane.test"), (decision.Mode, decision.Names.Single()));
        Assert.Equal(DaneMatchStatus.Matched, match.Status);
    }

    [Fact]
    public async Task SecureCnameToTheRecords_IsFollowed()
    {
        var lookup = await LookupAsync("alias.dane.test");

        Assert.Equal((DaneLookupStatus.Records, 2), (lookup.Status, lookup.Records.Length));
    }

    [Fact]
    public async Task SecureHost_WithoutTlsa_IsNoRecords()
    {
        var lookup = await LookupAsync("none.dane.test");

        Assert.Equal(DaneLookupStatus.NoRecords, lookup.Status);
        Assert.Equal(DaneMode.None, DanePolicy.Decide(lookup, required: false).Mode);
        Assert.Equal((DaneMode.Fail, "DANE error: tlsa lookup FAIL"), Describe(DanePolicy.Decide(lookup, required: true)));
    }

    [Fact]
    public async Task SecureHost_WithOnlyPkixRecords_IsUnusable_TlsWithoutAuthentication()
    {
        var lookup = await LookupAsync("pkix.dane.test");

        Assert.Equal((DaneLookupStatus.Unusable, 1), (lookup.Status, lookup.Records.Length));
        Assert.Equal(DaneMode.EncryptOnly, DanePolicy.Decide(lookup, required: false).Mode);
        Assert.Equal((DaneMode.Defer, "DANE error: No usable TLSA records"), Describe(DanePolicy.Decide(lookup, required: true)));
    }

    [Theory]
    [InlineData("broken.dane.test")]
    [InlineData("mx.bogus.test")]
    public async Task BogusTlsa_IsAgain_AndDefersTheHost_RequiredOrNot(string host)
    {
        var lookup = await LookupAsync(host);

        Assert.Equal(DaneLookupStatus.Again, lookup.Status);
        Assert.Equal((DaneMode.Defer, "DANE error: tlsa lookup DEFER"), Describe(DanePolicy.Decide(lookup, required: false)));
        Assert.Equal((DaneMode.Defer, "DANE error: tlsa lookup DEFER"), Describe(DanePolicy.Decide(lookup, required: true)));
    }

    [Fact]
    public async Task InsecureTlsa_IsIgnored_AndLoggedAsEximDoes()
    {
        var log = new LinesLogger();

        var lookup = await LookupAsync("mx.insecure.test", settings: Settings with { Logger = log });

        Assert.Equal(DaneLookupStatus.Insecure, lookup.Status);
        Assert.Empty(lookup.Records);
        Assert.Equal("DANE error: TLSA lookup for mx.insecure.test not DNSSEC", Assert.Single(log.Lines).Text);
        Assert.Equal(DaneMode.None, DanePolicy.Decide(lookup, required: false).Mode);
    }

    [Fact]
    public async Task InsecureHost_GetsNoTlsaLookup()
    {
        var counting = new CountingResolver(fixture.Resolver);

        var lookup = await LookupAsync("mx.insecure.test", hostSecure: false, resolver: counting);

        Assert.Equal((DaneLookupStatus.NotApplicable, 0), (lookup.Status, counting.Calls));
        Assert.Equal(DaneMode.None, DanePolicy.Decide(lookup, required: false).Mode);
        Assert.Equal((DaneMode.Fail, "DANE error: mx.insecure.test lookup not DNSSEC"), Describe(DanePolicy.Decide(lookup, required: true)));
    }

    [Fact]
    public async Task AuthoritativeAnswerFromAZoneInDnsTrustAa_CountsAsSecure()
    {
        // Exim's dns_is_secure: AA from a zone in dns_trust_aa, here NSD asked directly for the unsigned zone.
        await using var direct = await ResolverHost.StartAsync(fixture.Nsd.NameServer, "");

        var trusted = await LookupAsync("mx.insecure.test", settings: Settings with { TrustAa = z => z == "insecure.test" }, resolver: direct.Resolver);
        var untrusted = await LookupAsync("mx.insecure.test", resolver: direct.Resolver);

        Assert.Equal((DaneLookupStatus.Records, DaneLookupStatus.Insecure), (trusted.Status, untrusted.Status));
    }

    private static (DaneMode, string?) Describe(DaneDecision d) => (d.Mode, d.Message);
}
