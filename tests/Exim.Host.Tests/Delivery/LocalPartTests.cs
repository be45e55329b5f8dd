using System.Net;
using Exim.Host.Configuration;
using Exim.Mail.Routing;
using Exim.TestKit;

namespace Exim.Host.Tests.Delivery;

/// <summary>The local part routers match and transports substitute: the address's, with RFC 5321 quoting removed.</summary>
public sealed class LocalPartTests
{
    [Theory]
    [InlineData("bob@x.example", "bob")]
    [InlineData("\"..\"@x.example", "..")]
    [InlineData("\"\"@x.example", "")]
    [InlineData("\"a b\"@x.example", "a b")]
    [InlineData("\"a\\\"b\"@x.example", "a\"b")]       // a quoted-pair inside quotes
    [InlineData("\\.\\.@x.example", "..")]              // backslashes outside quotes
    [InlineData("\"a@b\"@x.example", "a@b")]            // the last @ separates the domain
    [InlineData("postmaster", "postmaster")]
    public void Of_RemovesQuotingAsExim(string address, string expected) => Assert.Equal(expected, LocalPart.Of(address));

    [Fact]
    public async Task Router_LocalParts_MatchesTheDequotedLocalPart_AndTheAddressKeepsItsQuotes()
    {
        var parsed = TomlConfigLoader.Parse("""
            primary_hostname = "mx.test.example"
            [[transports]]
            name = "local_delivery"
            driver = "maildir"
            directory = "/tmp/$local_part"
            [[routers]]
            name = "spaced"
            driver = "accept"
            local_parts = ["a b"]
            transport = "local_delivery"
            """, "/test/exim.toml");
        Assert.True(parsed.Succeeded, string.Join("\n", parsed.Errors));
        var router = Routing.TestRouters.For(parsed.Config!);

        var quoted = await router.RouteAsync("\"a b\"@x.example", null, CancellationToken.None).WaitAsync(TestTimeouts.Default);
        var other = await router.RouteAsync("ab@x.example", null, CancellationToken.None).WaitAsync(TestTimeouts.Default);

        Assert.Equal(RouteOutcome.Accepted, quoted.Outcome);
        Assert.Equal("\"a b\"@x.example", quoted.Address);
        Assert.Equal(RouteOutcome.Failed, other.Outcome);
    }
}
