using System.Net;
using System.Net.Sockets;
using Exim.Abstractions.Resolution;
using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.TestKit;

namespace Exim.Host.Tests.Resolution;

/// <summary>The dns-resolver plugin against a real NSD: records, TTLs and Exim's statuses for every outcome.</summary>
public sealed class DnsResolverPluginTests(ResolverFixture fixture) : IClassFixture<ResolverFixture>
{
    private Task<DnsAnswer> QueryAsync(string name, DnsRecordType type)
        => fixture.Resolver.QueryAsync(new DnsQuestion(name, type), CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Default);

    [Fact]
    public async Task A_ReturnsTheAddressWithItsTtl()
    {
        var answer = await QueryAsync("a.mx2.resolver.test", DnsRecordType.A);

        Assert.Equal(DnsStatus.Succeed, answer.Status);
        var record = Assert.IsType<AddressRecord>(Assert.Single(answer.Records));
        Assert.Equal((IPAddress.Parse("192.0.2.10"), TimeSpan.FromSeconds(300), "a.mx2.resolver.test"), (record.Address, record.Ttl, record.Owner));
        Assert.False(answer.Authenticated);
    }

    [Fact]
    public async Task Aaaa_ReturnsIPv6()
    {
        var answer = await QueryAsync("b.mx2.resolver.test", DnsRecordType.Aaaa);

        Assert.Equal(IPAddress.Parse("2001:db8::11"), Assert.IsType<AddressRecord>(Assert.Single(answer.Records)).Address);
        Assert.Equal(DnsRecordType.Aaaa, answer.Records[0].Type);
    }

    [Fact]
    public async Task Mx_ReturnsPreferencesAndTargetsWithoutTrailingDots()
    {
        var answer = await QueryAsync("mx2.resolver.test", DnsRecordType.Mx);

        Assert.Equal(DnsStatus.Succeed, answer.Status);
        Assert.Equal([(10, "a.mx2.resolver.test"), (20, "b.mx2.resolver.test")],
            answer.Records.Cast<MxRecord>().Select(m => (m.Preference, m.Exchange)).Order());
    }

    [Fact]
    public async Task NullMx_HasAnEmptyExchange()
    {
        var mx = Assert.IsType<MxRecord>(Assert.Single((await QueryAsync("null.resolver.test", DnsRecordType.Mx)).Records));

        Assert.Equal((0, ""), (mx.Preference, mx.Exchange));
    }

    [Fact]
    public async Task NoSuchName_IsNoMatch_WithTheSoaMinimumAsNegativeTtl()
    {
        var answer = await QueryAsync("nonexistent.resolver.test", DnsRecordType.A);

        Assert.Equal(DnsStatus.NoMatch, answer.Status);
        Assert.Empty(answer.Records);
        Assert.Equal(TimeSpan.FromSeconds(60), answer.NegativeTtl);
    }

    [Fact]
    public async Task NameWithoutThatType_IsNoData()
    {
        var answer = await QueryAsync("nodata.resolver.test", DnsRecordType.Mx);

        Assert.Equal(DnsStatus.NoData, answer.Status);
        Assert.Equal(TimeSpan.FromSeconds(60), answer.NegativeTtl);
    }

    [Fact]
    public async Task Cname_ComesWithItsTarget()
    {
        var answer = await QueryAsync("alias.resolver.test", DnsRecordType.A);

        Assert.Equal(DnsStatus.Succeed, answer.Status);
        var cname = Assert.IsType<CnameRecord>(answer.Records[0]);
        Assert.Equal(("alias.resolver.test", "a.mx2.resolver.test"), (cname.Owner, cname.Target));
        Assert.Equal(IPAddress.Parse("192.0.2.10"), Assert.IsType<AddressRecord>(answer.Records[1]).Address);
    }

    [Fact]
    public async Task TxtSrvPtr_AreParsed()
    {
        var txt = Assert.IsType<TxtRecord>(Assert.Single((await QueryAsync("txt.resolver.test", DnsRecordType.Txt)).Records));
        var srv = Assert.IsType<SrvRecord>(Assert.Single((await QueryAsync("_smtp._tcp.srv.resolver.test", DnsRecordType.Srv)).Records));
        var ptr = Assert.IsType<PtrRecord>(Assert.Single((await QueryAsync("10.2.0.192.in-addr.arpa", DnsRecordType.Ptr)).Records));

        Assert.Equal<string>(["v=spf1 -all", "second string"], txt.Strings);
        Assert.Equal((10, 5, 2525, "a.mx2.resolver.test"), (srv.Priority, srv.Weight, srv.Port, srv.Target));
        Assert.Equal("a.mx2.resolver.test", ptr.Target);
    }

    [Fact]
    public async Task Tlsa_IsParsed_UnknownParametersKeptAsTheyCame()
    {
        var ee = Assert.IsType<TlsaRecord>(Assert.Single((await QueryAsync("_25._tcp.a.mx2.resolver.test", DnsRecordType.Tlsa)).Records));
        var odd = Assert.IsType<TlsaRecord>(Assert.Single((await QueryAsync("_25._tcp.b.mx2.resolver.test", DnsRecordType.Tlsa)).Records));

        Assert.Equal(("_25._tcp.a.mx2.resolver.test", "3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"), (ee.Owner, ee.ToString()));
        Assert.Equal(((byte)7, (byte)9, (byte)200, "cafe"), (odd.Usage, odd.Selector, odd.MatchingType, Convert.ToHexStringLower(odd.Data.AsSpan())));
    }

    [Fact]
    public async Task AnswerTooBigForUdp_IsFetchedOverTcp()
    {
        var answer = await QueryAsync("big.resolver.test", DnsRecordType.A);

        Assert.Equal(DnsStatus.Succeed, answer.Status);
        Assert.Equal(356, answer.Records.Length);
    }

    [Fact]
    public async Task ServerFailure_IsAgain_NeverNoSuchName()
    {
        var answer = await QueryAsync("x.broken.test", DnsRecordType.A);

        Assert.Equal(DnsStatus.Again, answer.Status);
    }

    [Fact]
    public async Task SilentServer_TimesOutAsAgain()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var host = await ResolverHost.StartAsync($"127.0.0.1:{((IPEndPoint)silent.LocalEndPoint!).Port}", "dns_retrans = \"1s\"\ndns_retry = 1");
        var resolver = host.Resolver;

        var started = System.Diagnostics.Stopwatch.StartNew();
        var answer = await resolver.QueryAsync(new DnsQuestion("a.mx2.resolver.test", DnsRecordType.A), CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Default);

        Assert.Equal(DnsStatus.Again, answer.Status);
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10)); // two tries of one second
    }

    public static TheoryData<string> MalformedReplies => ["cut-header", "garbage", "wrong-id", "answer-count-lies"];

    [Theory]
    [MemberData(nameof(MalformedReplies))]
    public async Task MalformedReplies_AreAStatus_NeverAnException(string kind)
    {
        using var responder = new MalformedDnsResponder(query => kind switch
        {
            "cut-header" => query[..5],
            "garbage" => [.. Enumerable.Range(0, 64).Select(i => (byte)(i * 37))],
            "wrong-id" => [(byte)(query[0] ^ 0xFF), query[1], 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, .. query[12..]],
            _ => [query[0], query[1], 0x81, 0x80, 0, 1, 0, 5, 0, 0, 0, 0, .. query[12..]], // claims 5 answers, has none
        });
        await using var host = await ResolverHost.StartAsync(responder.NameServer, "dns_retrans = \"1s\"\ndns_retry = 0");
        var resolver = host.Resolver;

        var answer = await resolver.QueryAsync(new DnsQuestion("x.resolver.test", DnsRecordType.Mx), CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Default);

        Assert.Contains(answer.Status, new[] { DnsStatus.Again, DnsStatus.Fail });
        Assert.Empty(answer.Records);
    }

    [Theory]
    [InlineData("nameservers = [\"not-an-address\"]", "\"not-an-address\" is not an address or address:port")]
    [InlineData("dns_retry = 50", "must be between 0 and 10")]
    [InlineData("nameservers = [\"127.0.0.1:53\"]\ncolour = \"blue\"", "unknown option \"colour\" in [plugins.dns-resolver]")]
    public async Task BadOptions_AreConfigErrorsWithPositions(string options, string message)
    {
        using var dir = new TempDirectory();
        var config = dir.Write("exim.toml", $"""
            spool_directory = "spool"
            [plugins.dns-resolver]
            assembly = "{RepoPaths.Plugin("dns-resolver", "Exim.Plugins.DnsResolver.dll")}"
            {options}
            """);
        await using var core = Core.Create(config, debug: false);

        var outcome = await core.Reloader.StartAsync();

        Assert.Equal(ReloadStatus.Rejected, outcome.Status);
        var error = Assert.Single(outcome.Errors);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.True(error.Line >= 4, error.ToString());
    }
}
