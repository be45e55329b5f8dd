using System.Net;
using Exim.Mail.Resolution;
using Exim.TestKit;

namespace Exim.Host.Tests.Resolution;

public sealed class ReverseLookupTests(FinderFixture fixture) : IClassFixture<FinderFixture>
{
    private Task<ReverseLookupResult> LookupAsync(string ip)
        => ReverseLookup.LookupAsync(fixture.Resolver, IPAddress.Parse(ip), new DnsLookupSettings(1), CancellationToken.None).WaitAsync(TestTimeouts.Default);

    [Fact]
    public async Task ConfirmedName_IsFound()
    {
        var r = await LookupAsync("127.0.0.1");

        Assert.Equal((HostFindStatus.Found, "client.finder.test"), (r.Status, r.Name));
    }

    [Fact]
    public async Task MappedIPv4_IsLookedUpAsIPv4()
    {
        Assert.Equal("client.finder.test", (await LookupAsync("::ffff:127.0.0.1")).Name);
    }

    [Fact]
    public async Task NameWhoseAddressDiffers_IsNotConfirmed()
    {
        var r = await LookupAsync("127.0.0.2");

        Assert.Equal(HostFindStatus.Failed, r.Status);
        Assert.Null(r.Name);
        Assert.Equal("(127.0.0.2 does not match any IP address for liar.finder.test)", r.Failure);
    }

    [Fact]
    public async Task NoPtr_OrOnlyUnacceptableNames_IsNotFound()
    {
        Assert.Equal("(failed to find host name from IP address)", (await LookupAsync("127.0.0.9")).Failure);
        Assert.Equal("(failed to find host name from IP address)", (await LookupAsync("127.0.0.3")).Failure);
    }

    [Theory]
    [InlineData("192.0.2.10", "10.2.0.192.in-addr.arpa")]
    [InlineData("2001:db8::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa")]
    public void ReverseName_IsTheArpaName(string ip, string expected) => Assert.Equal(expected, ReverseLookup.ReverseName(IPAddress.Parse(ip)));
}
