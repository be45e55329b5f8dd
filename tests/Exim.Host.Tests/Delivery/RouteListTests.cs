using Exim.Mail.Routing;

namespace Exim.Host.Tests.Delivery;

public sealed class RouteListTests
{
    [Fact]
    public void Parse_ItemsFromArrayElementsAndSemicolons_WithOptions()
    {
        Assert.True(RouteListParser.TryParse(["*.example.com  mx1.example.com:mx2.example.com  byname randomize ; other.test 192.0.2.1", "* \"a.test : b.test\" bydns no_randomize ipv4_only"],
            out var items, out var error), error);

        Assert.Equal<RouteListItem>(
            [new RouteListItem("*.example.com", "mx1.example.com:mx2.example.com", HostLookupType.ByName, true, false, false),
             new RouteListItem("other.test", "192.0.2.1", HostLookupType.Default, null, false, false),
             new RouteListItem("*", "a.test : b.test", HostLookupType.ByDns, false, true, false)],
            items);
    }

    [Fact]
    public void Parse_SemicolonSeparatedHostListStaysOneItem()
    {
        Assert.True(RouteListParser.TryParse(["* <;[2001:db8::1]:2525;192.0.2.1"], out var items, out _));

        var item = Assert.Single(items);
        Assert.Equal<HostListItem>([new HostListItem("2001:db8::1", 2525, false, 0), new HostListItem("192.0.2.1", null, false, 0)], HostListParser.Parse(item.Hosts));
    }

    [Fact]
    public void Parse_UnknownOption_IsAnError()
    {
        Assert.False(RouteListParser.TryParse(["* host.test sideways"], out _, out var error));
        Assert.Equal("unknown option \"sideways\" in route_list item \"* host.test sideways\"", error);
    }

    [Fact]
    public void RouteData_HasNoPattern()
    {
        Assert.True(RouteListParser.TryParseItem("smarthost.test ipv4_prefer", withPattern: false, out var item, out _));
        Assert.Equal(new RouteListItem("*", "smarthost.test", HostLookupType.Default, null, false, true), item);
    }

    [Fact]
    public void HostList_PortsGroupsMxAndDoubledColons()
    {
        Assert.Equal<HostListItem>(
            [new HostListItem("a.test", 2525, false, 0),
             new HostListItem("b.test", null, true, 0),
             new HostListItem("192.0.2.7", 26, false, 1),
             new HostListItem("c.test", null, false, 1)],
            HostListParser.Parse("a.test::2525 : b.test/MX : + : 192.0.2.7::26 : c.test"));
    }
}
