using Exim.TestKit;

namespace Exim.Host.Tests.Resolution;

/// <summary>
/// <c>exim -bt</c> on zone shapes whose output was taken from Exim 4.96 itself (Debian 12's exim4-daemon-light, run
/// with the same configuration against the same zones from NSD): stdout, exit code, and the lines Exim logs on stderr
/// during -bt (<c>LOG: MAIN</c>, then the text indented by two spaces).
/// </summary>
public sealed class AddressTestGoldenTests(AddressTestFixture fixture) : IClassFixture<AddressTestFixture>
{
    private Task<(int Code, string Stdout, string Stderr)> BtAsync(params string[] addresses)
        => AddressTest.RunWithStderrAsync(fixture.Dns, "", "", addresses);

    [Fact]
    public async Task DomainThatIsOneCname_KeepsItsName()
    {
        var (code, stdout, stderr) = await BtAsync("x@alias.bt.test", "x@alias2.bt.test");

        Assert.Equal((0, ""), (code, stderr));
        Assert.Equal("""
            x@alias.bt.test
              router = dnslookup, transport = remote_smtp
              host a.hosts.bt.test [192.0.2.1] MX=10
              host b.hosts.bt.test [192.0.2.2] MX=20
            x@alias2.bt.test
              router = dnslookup, transport = remote_smtp
              host a.hosts.bt.test [192.0.2.1]

            """, stdout);
    }

    [Fact]
    public async Task DomainAtTheHeadOfACnameChain_IsRewrittenToTheLastAlias_WithItsParentLine()
    {
        var (code, stdout, stderr) = await BtAsync("x@chain.bt.test", "x@chain3.bt.test");

        Assert.Equal((0, ""), (code, stderr));
        Assert.Equal("""
            x@chain2.bt.test
                <-- x@chain.bt.test
              router = dnslookup, transport = remote_smtp
              host a.hosts.bt.test [192.0.2.1] MX=10
              host b.hosts.bt.test [192.0.2.2] MX=20
            x@chain5.bt.test
                <-- x@chain3.bt.test
              router = dnslookup, transport = remote_smtp
              host a.hosts.bt.test [192.0.2.1] MX=10
              host b.hosts.bt.test [192.0.2.2] MX=20

            """, stdout);
    }

    [Fact]
    public async Task CnameLoop_DefersAndLogsTheLoop()
    {
        var (code, stdout, stderr) = await BtAsync("x@loopa.bt.test", "x@self.bt.test");

        Assert.Equal(1, code);
        Assert.Equal("""
            x@loopa.bt.test cannot be resolved at this time: host lookup did not complete
            x@self.bt.test cannot be resolved at this time: host lookup did not complete

            """, stdout);
        Assert.Equal("""
            LOG: MAIN
              CNAME loop for loopa.bt.test encountered
            LOG: MAIN
              CNAME loop for self.bt.test encountered

            """, stderr);
    }

    [Fact]
    public async Task IgnoreTargetHostsRemovingEveryMxTarget_GivesEximsMessage()
    {
        var (code, stdout, stderr) = await BtAsync("x@allignored.bt.test");

        Assert.Equal((2, ""), (code, stderr));
        Assert.Equal("x@allignored.bt.test is undeliverable: all relevant MX records point to non-existent hosts\n", stdout);
    }

    [Fact]
    public async Task NamesInCapitals_AddressKeepsItsCase_HostNamesAreLowercase()
    {
        var (code, stdout, stderr) = await BtAsync("x@UPPER.bt.test", "x@caps.bt.test", "x@Addronly.BT.test");

        Assert.Equal((0, ""), (code, stderr));
        Assert.Equal("""
            x@UPPER.bt.test
              router = dnslookup, transport = remote_smtp
              host a.hosts.bt.test [192.0.2.1] MX=10
              host b.hosts.bt.test [192.0.2.2] MX=20
            x@caps.bt.test
              router = dnslookup, transport = remote_smtp
              host caps.hosts.bt.test [192.0.2.3] MX=10
            x@Addronly.BT.test
              router = dnslookup, transport = remote_smtp
              host addronly.bt.test [192.0.2.7]

            """, stdout);
    }

    [Fact]
    public async Task UnqualifiedAddress_IsQualifiedWithQualifyRecipient()
    {
        var (code, stdout, _) = await BtAsync("postmaster");
        var (qualifiedCode, qualified, _) = await AddressTest.RunWithStderrAsync(fixture.Dns, "qualify_domain = \"test.example\"", "", ["postmaster"]);
        var (recipientCode, recipient, _) = await AddressTest.RunWithStderrAsync(fixture.Dns,
            "qualify_domain = \"elsewhere.example\"\nqualify_recipient = \"test.example\"", "", ["postmaster"]);

        // qualify_recipient defaults to qualify_domain, and that to primary_hostname (mx.test.example: not a local domain here).
        Assert.Equal((2, "postmaster@mx.test.example is undeliverable: Unrouteable address\n"), (code, stdout));
        Assert.Equal((0, "postmaster@test.example\n  router = localuser, transport = local_delivery\n"), (qualifiedCode, qualified));
        Assert.Equal((0, "postmaster@test.example\n  router = localuser, transport = local_delivery\n"), (recipientCode, recipient));
    }

    [Fact]
    public async Task ManualRoute_HostNamesAsWritten_AndNameSlashMxWantsMxRecordsOnly()
    {
        var (code, stdout, stderr) = await AddressTest.RunWithStderrAsync(fixture.Dns, "", "", ["x@mr2.test", "x@mr3.test", "x@mr4.test"], routersBefore: """
            [[routers]]
            name = "mr"
            driver = "manualroute"
            route_list = "mr2.test A.Hosts.BT.test bydns ; mr3.test Addronly.BT.Test/MX ; mr4.test UPPER.bt.test/MX"
            transport = "remote_smtp"
            ignore_target_hosts = ["0.0.0.0", "127.0.0.0/8"]
            """);

        Assert.Equal((1, ""), (code, stderr));
        Assert.Equal("""
            x@mr2.test
              router = mr, transport = remote_smtp
              host A.Hosts.BT.test [192.0.2.1]
            x@mr3.test cannot be resolved at this time: lookup of host "Addronly.BT.Test" failed in mr router
            x@mr4.test
              router = mr, transport = remote_smtp
              host a.hosts.bt.test [192.0.2.1] MX=10
              host b.hosts.bt.test [192.0.2.2] MX=20

            """, stdout);
    }

    [Fact]
    public async Task SelfFreeze_LogsWhileRouting()
    {
        var (code, stdout, stderr) = await BtAsync("x@selfprimary.finder.test");

        Assert.Equal(1, code);
        Assert.Equal("x@selfprimary.finder.test cannot be resolved at this time: lowest numbered MX record points to local host\n", stdout);
        Assert.Equal("LOG: MAIN\n  lowest numbered MX record points to local host: selfprimary.finder.test (while routing <x@selfprimary.finder.test>)\n", stderr);
    }
}
