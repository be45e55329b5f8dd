using System.Net;
using Exim.Abstractions.Matching;
using Exim.Mail.Matching;

namespace Exim.Host.Tests.Matching;

/// <summary>
/// Host-list matching as the service plugins and scripts get (<see cref="IHostListFactory"/>); name items and deferral
/// through it are in Resolution/HostNameListTests, against NSD.
/// </summary>
public sealed class HostListFactoryTests
{
    private static readonly IHostListFactory Factory = HostListFactory.Instance;

    [Fact]
    public void Compile_AddressesNetworksNegation_WithoutLookups()
    {
        var list = Factory.Compile(["! 192.0.2.200", "192.0.2.0/24", "::1"]);

        Assert.False(list.IsEmpty);
        Assert.False(list.HasNameItems);
        Assert.True(list.Matches(IPAddress.Parse("192.0.2.7")));
        Assert.True(list.Matches(IPAddress.Parse("::ffff:192.0.2.7")));
        Assert.False(list.Matches(IPAddress.Parse("192.0.2.200")));
        Assert.True(list.Matches(IPAddress.IPv6Loopback));
        Assert.True(Factory.Compile([]).IsEmpty);
        Assert.False(Factory.Compile(default).Matches(IPAddress.Loopback));
    }
}
