using Exim.TestKit;

namespace Exim.Host.Tests.Resolution;

/// <summary><c>exim -bt</c> against a real NSD: Exim 4.96's output shapes and exit codes for the zone shapes.</summary>
public sealed class AddressTestTests(FinderFixture fixture) : IClassFixture<FinderFixture>
{
    private Task<(int Code, string Stdout)> BtAsync(params string[] addresses) => RunBtAsync("", "", addresses);

    private Task<(int Code, string Stdout)> RunBtAsync(string mainOptions, string routerOptions, string[] addresses)
        => AddressTest.RunAsync(fixture.Dns, mainOptions, routerOptions, addresses);

    [Fact]
    public async Task Routed_PrintsRouterTransportAndPaddedHostLines()
    {
        var (code, stdout) = await BtAsync("user@dual.finder.test");

        Assert.Equal(0, code);
        Assert.Equal("""
            user@dual.finder.test
              router = dnslookup, transport = remote_smtp
              host ds.hosts.finder.test [2001:db8::4] MX=10
              host ds.hosts.finder.test [192.0.2.4]   MX=10
              host c.hosts.finder.test  [192.0.2.3]   MX=20

            """.Replace("\r\n", "\n", StringComparison.Ordinal), stdout);
    }

    [Fact]
    public async Task ImplicitMx_HasNoMxField_AndUnusableHostsAreMarked()
    {
        var (code, stdout) = await BtAsync("a@implicit.finder.test", "b@missing2.finder.test");

        Assert.Equal(0, code);
        Assert.Contains("a@implicit.finder.test\n  router = dnslookup, transport = remote_smtp\n  host implicit.finder.test [192.0.2.7]\n", stdout, StringComparison.Ordinal);
        Assert.Contains("  host nothere.hosts.finder.test [unknown]   MX=10 ** unusable **\n  host a.hosts.finder.test       [192.0.2.1] MX=20\n", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalDomain_GoesToTheLocalRouter()
    {
        var (code, stdout) = await BtAsync("postmaster@test.example");

        Assert.Equal(0, code);
        Assert.Equal("postmaster@test.example\n  router = localuser, transport = local_delivery\n", stdout);
    }

    [Theory]
    [InlineData("x@nullmx.finder.test", "x@nullmx.finder.test is undeliverable: an MX or SRV record indicated no SMTP service")]
    [InlineData("x@missing.finder.test", "x@missing.finder.test is undeliverable: all relevant MX records point to non-existent hosts")]
    [InlineData("x@mxt3.finder.test", "x@mxt3.finder.test is undeliverable: all relevant MX records point to non-existent hosts")]
    [InlineData("x@iplike.finder.test", "x@iplike.finder.test is undeliverable: all relevant MX records point to non-existent hosts or (invalidly) to IP addresses")]
    [InlineData("x@nonexistent.finder.test", "x@nonexistent.finder.test is undeliverable: Unrouteable address")]
    public async Task PermanentFailures_Exit2WithEximsMessages(string address, string expected)
    {
        var (code, stdout) = await BtAsync(address);

        Assert.Equal(2, code);
        Assert.Equal(expected + "\n", stdout);
    }

    [Theory]
    [InlineData("x@again.finder.test", "x@again.finder.test cannot be resolved at this time: host lookup did not complete")]
    [InlineData("x@selfprimary.finder.test", "x@selfprimary.finder.test cannot be resolved at this time: lowest numbered MX record points to local host")]
    public async Task Deferrals_Exit1WithEximsMessages(string address, string expected)
    {
        var (code, stdout, _) = await AddressTest.RunWithStderrAsync(fixture.Dns, "", "", [address]); // self = freeze logs (AddressTestGoldenTests)

        Assert.Equal(1, code);
        Assert.Equal(expected + "\n", stdout);
    }

    [Fact]
    public async Task SecondaryMx_IsCut_AndIgnoredTargetsDisappear()
    {
        var (code, stdout) = await BtAsync("x@selfsecond.finder.test", "y@ignored.finder.test");

        Assert.Equal(0, code);
        Assert.Equal("""
            x@selfsecond.finder.test
              router = dnslookup, transport = remote_smtp
              host a.hosts.finder.test [192.0.2.1] MX=10
            y@ignored.finder.test
              router = dnslookup, transport = remote_smtp
              host b.hosts.finder.test [192.0.2.2] MX=20

            """.Replace("\r\n", "\n", StringComparison.Ordinal), stdout);
    }

    [Fact]
    public async Task MixedResults_ExitWithTheWorst()
    {
        var (code, _) = await BtAsync("a@implicit.finder.test", "b@again.finder.test", "c@nullmx.finder.test");

        Assert.Equal(2, code);
    }

    [Fact]
    public async Task CheckSrv_ShowsPortsAndPriorities_AndADotIsNoService()
    {
        var (code, stdout) = await RunBtAsync("", "check_srv = \"smtp\"", ["x@srv02.finder.test", "y@nosmtp.finder.test"]);

        Assert.Equal(2, code);
        Assert.Matches(@"^x@srv02\.finder\.test\n  router = dnslookup, transport = remote_smtp\n  host [ab]\.hosts\.finder\.test \[192\.0\.2\.[12]\] MX=1 port=99\n  host [ab]\.hosts\.finder\.test \[192\.0\.2\.[12]\] MX=1 port=99\n  host c\.hosts\.finder\.test \[192\.0\.2\.3\] MX=3 port=66\n", stdout);
        Assert.EndsWith("y@nosmtp.finder.test is undeliverable: an MX or SRV record indicated no SMTP service\n", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DnsAgainMeansNonexist_FailsInsteadOfDeferring()
    {
        var (plainCode, plain) = await BtAsync("x@again.finder.test");
        var (code, stdout) = await RunBtAsync("dns_again_means_nonexist = [\"*.broken.test\"]", "", ["x@again.finder.test"]);

        Assert.Equal(1, plainCode);
        Assert.Contains("cannot be resolved at this time", plain, StringComparison.Ordinal);
        Assert.Equal(2, code);
        Assert.Equal("x@again.finder.test is undeliverable: all relevant MX records point to non-existent hosts\n", stdout);
    }

    private const string DualWithoutC = "x@dual.finder.test\n  router = dnslookup, transport = remote_smtp\n"
        + "  host ds.hosts.finder.test [2001:db8::4] MX=10\n  host ds.hosts.finder.test [192.0.2.4]   MX=10\n";

    [Theory]
    // A plain name is looked up forward: its address is ignored. A pattern matches the target's own name.
    [InlineData("ignore_target_hosts = [\"c.hosts.finder.test\"]")]
    [InlineData("ignore_target_hosts = [\"! ds.hosts.finder.test\", \"*.hosts.finder.test\"]")]
    public async Task IgnoreTargetHosts_HostNames(string ignore)
    {
        var (code, stdout) = await RunBtAsync("", ignore, ["x@dual.finder.test"]);

        Assert.Equal(0, code);
        Assert.Equal(DualWithoutC, stdout);
    }

    [Fact]
    public async Task HostsTreatAsLocal_MakesANamedHostThisHost()
    {
        var (code, stdout) = await RunBtAsync("hosts_treat_as_local = [\"c.hosts.finder.test\"]", "", ["x@dual.finder.test"]);
        var (primaryCode, primary, _) = await AddressTest.RunWithStderrAsync(fixture.Dns, "hosts_treat_as_local = [\"*.hosts.finder.test\"]", "", ["x@dual.finder.test"]);

        // c is the secondary MX: it is cut, with everything worse.
        Assert.Equal(0, code);
        Assert.Equal(DualWithoutC, stdout);
        Assert.Equal(1, primaryCode);
        Assert.Equal("x@dual.finder.test cannot be resolved at this time: lowest numbered MX record points to local host\n", primary);
    }
}
