using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Exim.Abstractions.Policy;
using Exim.TestKit;

namespace Exim.Host.Tests.Routing;

/// <summary>NSD serving finder.test, a root zone (NXDOMAIN elsewhere) and broken.test (SERVFAIL), with a verifier host on it.</summary>
public sealed class VerifyFixture : IAsyncLifetime
{
    public DnsServer Dns { get; private set; } = null!;

    public VerifierHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Dns = await DnsServer.StartAsync([("finder.test", "finder.test.zone"), (".", "root.zone"), ("broken.test", null)]);
        Host = await VerifierHost.StartAsync(Dns.NameServer);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Dns.DisposeAsync();
    }
}

/// <summary>
/// Verify.Recipient and Verify.Sender (Exim's <c>verify = recipient</c> / <c>verify = sender</c> without callouts) over the
/// real routers, the real dns-resolver plugin and NSD: an unknown user is refused with the router's text, a DNS failure is
/// never a refusal, the null sender always verifies.
/// </summary>
public sealed class AddressVerifierTests(VerifyFixture fixture) : IClassFixture<VerifyFixture>
{
    private static async Task<VerifyResult> RecipientAsync(IAddressVerifier verifier, string address)
        => await verifier.VerifyRecipientAsync(address, CancellationToken.None).WaitAsync(TestTimeouts.Default);

    private static async Task<VerifyResult> SenderAsync(IAddressVerifier verifier, string address)
        => await verifier.VerifySenderAsync(address, CancellationToken.None).WaitAsync(TestTimeouts.Default);

    [Fact]
    public async Task UnknownUserAtALocalDomain_IsUndeliverable_WithTheRoutersText()
    {
        var result = await RecipientAsync(fixture.Host.Verifier, "mallory@test.example");

        Assert.Equal(new VerifyResult(VerifyStatus.Undeliverable, "Unknown user"), result);
    }

    [Theory]
    [InlineData("alice@test.example")]
    [InlineData("Bob@TEST.example")]       // local parts caseless, domains lowercased
    [InlineData("postmaster@test.example")]
    public async Task KnownUser_IsDeliverable_ByTheLocalRouter(string address)
    {
        var result = await RecipientAsync(fixture.Host.Verifier, address);

        Assert.Equal(new VerifyResult(VerifyStatus.Deliverable, Router: "localuser"), result);
    }

    [Fact]
    public async Task AnUnqualifiedAddress_GetsTheQualifyDomain()
    {
        // qualify_recipient defaults to primary_hostname, mx.test.example: a remote domain here, which NSD does not know.
        var result = await RecipientAsync(fixture.Host.Verifier, "alice");

        Assert.Equal(new VerifyResult(VerifyStatus.Undeliverable, "Unrouteable address"), result);
    }

    [Fact]
    public async Task RemoteDomainWithMx_IsDeliverable_ByDnslookup()
    {
        var result = await RecipientAsync(fixture.Host.Verifier, "x@pref.finder.test");

        Assert.Equal(new VerifyResult(VerifyStatus.Deliverable, Router: "dnslookup"), result);
    }

    [Theory]
    [InlineData("x@nonexistent.finder.test", "Unrouteable address")]
    [InlineData("x@nullmx.finder.test", "an MX or SRV record indicated no SMTP service")]
    [InlineData("x@missing.finder.test", "all relevant MX records point to non-existent hosts")]
    public async Task RemoteDomainThatCannotBeRouted_IsUndeliverable_WithEximsText(string address, string message)
    {
        var result = await RecipientAsync(fixture.Host.Verifier, address);

        Assert.Equal((VerifyStatus.Undeliverable, message), (result.Status, result.Message));
    }

    [Theory]
    [InlineData("x@x.broken.test")]     // the domain's own MX lookup answers SERVFAIL
    [InlineData("x@again.finder.test")] // its MX target's address lookup answers SERVFAIL
    public async Task DnsServfail_IsDeferred_NeverUndeliverable(string address)
    {
        var result = await RecipientAsync(fixture.Host.Verifier, address);

        Assert.Equal(new VerifyResult(VerifyStatus.Deferred, "host lookup did not complete", "dnslookup"), result);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<>")]
    public async Task NullSender_IsDeliverable(string sender)
        => Assert.Equal(VerifyStatus.Deliverable, (await SenderAsync(fixture.Host.Verifier, sender)).Status);

    [Fact]
    public async Task SenderWithAnUnroutableDomain_IsUndeliverable()
    {
        var result = await SenderAsync(fixture.Host.Verifier, "someone@nonexistent.finder.test");

        Assert.Equal(new VerifyResult(VerifyStatus.Undeliverable, "Unrouteable address"), result);
    }

    [Fact]
    public async Task SenderWithARoutableDomain_IsDeliverable()
        => Assert.Equal(new VerifyResult(VerifyStatus.Deliverable, Router: "dnslookup"), await SenderAsync(fixture.Host.Verifier, "someone@dual.finder.test"));

    [Fact]
    public async Task SenderWhoseDomainServfails_IsDeferred()
        => Assert.Equal(VerifyStatus.Deferred, (await SenderAsync(fixture.Host.Verifier, "someone@x.broken.test")).Status);

    [Fact]
    public async Task SenderAtALocalDomain_IsVerifiedAsAnAddress_AsEximDoes()
    {
        Assert.Equal(VerifyStatus.Deliverable, (await SenderAsync(fixture.Host.Verifier, "alice@test.example")).Status);
        Assert.Equal(new VerifyResult(VerifyStatus.Undeliverable, "Unknown user"), await SenderAsync(fixture.Host.Verifier, "mallory@test.example"));
    }

    [Fact]
    public async Task AReloadRereadsTheUsersFile_WhileTheOldGenerationKeepsItsList()
    {
        await using var host = await VerifierHost.StartAsync(fixture.Dns.NameServer, users: "alice\n");
        var before = host.Verifier;
        Assert.Equal(VerifyStatus.Undeliverable, (await RecipientAsync(before, "carol@test.example")).Status);

        await File.WriteAllTextAsync(host.UsersFile, "alice\ncarol\n");
        Assert.Equal(VerifyStatus.Undeliverable, (await RecipientAsync(host.Verifier, "carol@test.example")).Status); // not re-read per check
        await host.ReloadAsync();

        Assert.Equal(VerifyStatus.Deliverable, (await RecipientAsync(host.Verifier, "carol@test.example")).Status);
        Assert.Equal(VerifyStatus.Undeliverable, (await RecipientAsync(before, "carol@test.example")).Status); // the old generation's list
    }

    [Fact]
    public async Task DnsTimeout_IsDeferred()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var host = await VerifierHost.StartAsync($"127.0.0.1:{((IPEndPoint)silent.LocalEndPoint!).Port}",
            resolverOptions: "dns_retrans = \"1s\"\ndns_retry = 0");

        var result = await RecipientAsync(host.Verifier, "x@pref.finder.test");

        Assert.Equal(new VerifyResult(VerifyStatus.Deferred, "host lookup did not complete", "dnslookup"), result);
    }

    [Fact]
    public async Task ACancelledCheck_IsDeferred_AtOnce()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var host = await VerifierHost.StartAsync($"127.0.0.1:{((IPEndPoint)silent.LocalEndPoint!).Port}",
            resolverOptions: "dns_retrans = \"10s\"\ndns_retry = 3");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var started = Stopwatch.StartNew();

        var result = await host.Verifier.VerifyRecipientAsync("x@pref.finder.test", cancel.Token).WaitAsync(TestTimeouts.Default);

        Assert.Equal(VerifyStatus.Deferred, result.Status);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task Bv_PrintsEximsVerifyLines_AndExits2ForAFailure_1ForADeferral()
    {
        var (code, stdout, stderr) = await fixture.Host.RunEximAsync("-bv", "alice@test.example", "x@x.broken.test", "mallory@test.example", "postmaster");

        Assert.True(code == 2, stderr);
        Assert.Equal("""
            alice@test.example verified
            x@x.broken.test cannot be resolved at this time: host lookup did not complete
            mallory@test.example failed to verify: Unknown user
            postmaster@mx.test.example failed to verify: Unrouteable address

            """.Replace("\r\n", "\n", StringComparison.Ordinal), stdout);

        var deferred = await fixture.Host.RunEximAsync("-bvs", "bob@test.example", "someone@x.broken.test");
        Assert.Equal((1, "bob@test.example verified\nsomeone@x.broken.test cannot be resolved at this time: host lookup did not complete\n"),
            (deferred.ExitCode, deferred.Stdout));
    }
}
