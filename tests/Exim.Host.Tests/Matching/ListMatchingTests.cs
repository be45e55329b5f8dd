using System.Collections.Frozen;
using System.Net;
using Exim.Abstractions.Matching;
using Exim.Mail.Matching;

namespace Exim.Host.Tests.Matching;

public sealed class ListMatchingTests
{
    private static DomainList Domains(params string[] items)
    {
        var local = new DomainList(["example.test", "*.example.test"], "mx.example.test");
        return new DomainList(items, "mx.example.test", new Dictionary<string, DomainList> { ["local_domains"] = local }.ToFrozenDictionary());
    }

    [Theory]
    [InlineData("example.test", true)]
    [InlineData("EXAMPLE.test", true)]
    [InlineData("a.example.test", true)]
    [InlineData("other.test", false)]
    public void NamedList_Matches(string domain, bool expected) => Assert.Equal(expected, Domains("+local_domains").Matches(domain));

    [Theory]
    [InlineData("example.test", false)]
    [InlineData("other.test", true)]
    public void ListEndingInANegatedItem_IncludesEverythingElse(string domain, bool expected)
        => Assert.Equal(expected, Domains("! +local_domains").Matches(domain));

    [Fact]
    public void FirstMatchDecides_AndAtMeansThePrimaryHostname()
    {
        var list = Domains("! bad.example.test", "*.example.test", "@");

        Assert.False(list.Matches("bad.example.test"));
        Assert.True(list.Matches("good.example.test"));
        Assert.True(list.Matches("mx.example.test"));
        Assert.False(list.Matches("elsewhere.test"));
    }

    [Theory]
    [InlineData("192.0.2.7", true)]
    [InlineData("::ffff:192.0.2.7", true)]
    [InlineData("192.0.2.200", false)]
    [InlineData("198.51.100.1", false)]
    public void HostList_AddressesNetworksAndNegation(string client, bool expected)
        => Assert.Equal(expected, new HostList(["! 192.0.2.200", "192.0.2.0/24"]).Matches(IPAddress.Parse(client)));

    [Fact]
    public void HostList_EndingInANegatedItem_IncludesEveryoneElse()
    {
        var list = new HostList(["! 10.0.0.0/8"]);

        Assert.False(list.Matches(IPAddress.Parse("10.1.2.3")));
        Assert.True(list.Matches(IPAddress.Parse("192.0.2.1")));
        Assert.False(HostList.Empty.Matches(IPAddress.Loopback));
    }
}
