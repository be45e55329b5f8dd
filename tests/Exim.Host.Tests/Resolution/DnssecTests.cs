using System.Net;
using Exim.Abstractions.Resolution;
using Exim.Mail.Resolution;
using Exim.TestKit;

namespace Exim.Host.Tests.Resolution;

/// <summary>
/// dnssec_request_domains, dnssec_require_domains and dns_trust_aa against a real NSD. NSD is authoritative: it sets
/// AA and never AD, so an answer is secure only when its zone is in dns_trust_aa (Exim's dns_is_secure).
/// </summary>
public sealed class DnssecTests(RoutingFixture fixture) : IClassFixture<RoutingFixture>
{
    private static readonly HostFindOptions Defaults = new() { LocalAddresses = [IPAddress.Parse("192.0.2.200")] };
    private static readonly HostFindOptions Trusted = Defaults with { TrustAa = z => z == "secure.test" };
    private static readonly HostFindOptions Required = Trusted with { DnssecRequire = _ => true };

    private Task<HostFindResult> FindAsync(string domain, HostFindOptions options)
        => new HostFinder(fixture.Resolver, new Random(1)).FindByDnsAsync(domain, options, CancellationToken.None).WaitAsync(TestTimeouts.Default);

    private static string[] Describe(HostFindResult r)
        => [.. r.Hosts.Select(h => $"{h.Name} [{h.Address?.ToString() ?? "unknown"}] {h.Dnssec}{(h.Usable ? "" : " unusable " + h.Why)}")];

    [Fact]
    public async Task Plugin_ReportsAaAndTheZone_ButNoAd_FromAnAuthoritativeServer()
    {
        var positive = await fixture.Resolver.QueryAsync(new DnsQuestion("signed.secure.test", DnsRecordType.Mx, RequestDnssec: true), CancellationToken.None)
            .AsTask().WaitAsync(TestTimeouts.Default);
        var negative = await fixture.Resolver.QueryAsync(new DnsQuestion("nothere.secure.test", DnsRecordType.A, RequestDnssec: true), CancellationToken.None)
            .AsTask().WaitAsync(TestTimeouts.Default);

        Assert.Equal((DnsStatus.Succeed, true, false, "secure.test"), (positive.Status, positive.Authoritative, positive.Authenticated, positive.AuthorityName));
        Assert.Equal((DnsStatus.NoMatch, true, "secure.test"), (negative.Status, negative.Authoritative, negative.AuthorityName));
        Assert.True(DnsLookup.IsSecure(positive, z => z == "secure.test"));
        Assert.False(DnsLookup.IsSecure(positive, z => z == "finder.test"));
        Assert.False(DnsLookup.IsSecure(positive, null));
    }

    [Fact]
    public async Task Requested_AndTrusted_EveryHostIsSecure()
    {
        var r = await FindAsync("signed.secure.test", Trusted);

        Assert.Equal(HostFindStatus.Found, r.Status);
        Assert.Equal(["mx1.secure.test [192.0.2.21] Yes", "mx2.secure.test [2001:db8::22] Yes", "mx2.secure.test [192.0.2.22] Yes"], Describe(r));
    }

    [Fact]
    public async Task Requested_AnInsecureStepMakesThatHostInsecure_AndNotRequestedSaysNothing()
    {
        var requested = await FindAsync("mixed.secure.test", Trusted);
        var untrusted = await FindAsync("mixed.secure.test", Defaults);
        var off = await FindAsync("mixed.secure.test", Trusted with { DnssecRequest = _ => false });

        Assert.Equal(["mx1.secure.test [192.0.2.21] Yes", "a.hosts.finder.test [192.0.2.1] No"], Describe(requested));
        Assert.Equal(["mx1.secure.test [192.0.2.21] No", "a.hosts.finder.test [192.0.2.1] No"], Describe(untrusted));
        Assert.Equal(["mx1.secure.test [192.0.2.21] Unknown", "a.hosts.finder.test [192.0.2.1] Unknown"], Describe(off));
    }

    [Theory]
    [InlineData("mixed.secure.test", "Found", new[] { "mx1.secure.test [192.0.2.21] Yes", "a.hosts.finder.test [unknown] Unknown unusable insecure" })]
    [InlineData("outside.secure.test", "Security", new[] { "a.hosts.finder.test [unknown] Unknown unusable insecure" })]
    [InlineData("implicit.secure.test", "Found", new[] { "implicit.secure.test [192.0.2.23] Yes" })]
    public async Task Required_InsecureTargetsAreUnusable_SecurityWhenNothingIsLeft(string domain, string status, string[] hosts)
    {
        var r = await FindAsync(domain, Required);

        Assert.Equal(status, r.Status.ToString());
        Assert.Equal(hosts, Describe(r));
    }

    [Fact]
    public async Task Required_WithoutTrust_AnInsecureMxIsSecurity_UnlessInMxFailDomains()
    {
        var required = Defaults with { DnssecRequire = _ => true };
        var r = await FindAsync("signed.secure.test", required);
        var failDomain = await FindAsync("implicit.finder.test", required with { MxFailDomain = _ => true });
        var failDomainNoAddress = await FindAsync("signed.secure.test", required with { MxFailDomain = _ => true });

        Assert.Equal((HostFindStatus.Security, 0), (r.Status, r.Hosts.Length));
        // implicit.finder.test has no MX (NODATA is not checked), and its own insecure A record is skipped: SECURITY.
        Assert.Equal(HostFindStatus.Security, failDomain.Status);
        // mx_fail_domains makes the insecure MX "no MX"; signed.secure.test has no address records of its own.
        Assert.Equal(HostFindStatus.Failed, failDomainNoAddress.Status);
    }

    [Fact]
    public async Task Required_InsecureSrv_IsTryAgain_UnlessInSrvFailDomains()
    {
        var required = Defaults with { DnssecRequire = _ => true, SrvServices = ["smtp"] };
        var r = await FindAsync("srv.secure.test", required);
        var trusted = await FindAsync("srv.secure.test", Required with { SrvServices = ["smtp"] });

        Assert.Equal(HostFindStatus.Again, r.Status);
        Assert.Equal(["mx1.secure.test [192.0.2.21] Yes"], Describe(trusted));
        Assert.Equal(25, trusted.Hosts[0].Port);
    }

    [Fact]
    public async Task Bt_RequireWithoutTrust_DefersAsInsecure_AndWithTrustRoutes()
    {
        var (code, stdout) = await AddressTest.RunAsync(fixture.Dns, "", "dnssec_require_domains = [\"*.secure.test\"]", ["x@signed.secure.test", "y@implicit.finder.test"]);
        var (trustedCode, trusted) = await AddressTest.RunAsync(fixture.Dns, "dns_trust_aa = [\"secure.test\"]", "dnssec_require_domains = [\"*.secure.test\"]", ["x@signed.secure.test"]);

        Assert.Equal(1, code);
        Assert.Equal("""
            x@signed.secure.test cannot be resolved at this time: host lookup done insecurely
            y@implicit.finder.test
              router = dnslookup, transport = remote_smtp
              host implicit.finder.test [192.0.2.7]

            """.Replace("\r\n", "\n", StringComparison.Ordinal), stdout);
        Assert.Equal(0, trustedCode);
        Assert.Equal("""
            x@signed.secure.test
              router = dnslookup, transport = remote_smtp
              host mx1.secure.test [192.0.2.21]   MX=10
              host mx2.secure.test [2001:db8::22] MX=20
              host mx2.secure.test [192.0.2.22]   MX=20

            """.Replace("\r\n", "\n", StringComparison.Ordinal), trusted);
    }
}
