using System.Net;
using System.Net.Sockets;
using Exim.Abstractions.Config;
using Exim.Host.Listeners;

namespace Exim.Host.Tests.Daemon;

public sealed class ListenConfigTests
{
    private static MainOptions Options(string[] interfaces, string[] ports) => new() { LocalInterfaces = [.. interfaces], DaemonSmtpPorts = [.. ports] };

    [Theory]
    [InlineData("[127.0.0.1]:26", "127.0.0.1", 26)]
    [InlineData("127.0.0.1.26", "127.0.0.1", 26)]
    [InlineData("[::1]:26", "::1", 26)]
    [InlineData("::1.26", "::1", 26)]
    [InlineData("127.0.0.1", "127.0.0.1", null)]
    [InlineData("::0", "::", null)]
    public void TrySplit_ReadsEximsItemForms(string item, string address, int? port)
    {
        Assert.True(ListenConfig.TrySplit(item, out var a, out var p));
        Assert.Equal(IPAddress.Parse(address), a);
        Assert.Equal(port, p);
    }

    [Fact]
    public void Resolve_CrossesInterfacesWithPorts_AndPairsWildcardsIPv6First()
    {
        var specs = ListenConfig.Resolve(Options(["0.0.0.0", "127.0.0.1.2600", "::0"], ["25", "submission"]), null, out var error);

        Assert.Null(error);
        Assert.Equal<ListenSpec>([
            new ListenSpec(IPAddress.IPv6Any, 25), new ListenSpec(IPAddress.Any, 25),
            new ListenSpec(IPAddress.IPv6Any, 587), new ListenSpec(IPAddress.Any, 587),
            new ListenSpec(IPAddress.Loopback, 2600)], specs);
    }

    [Fact]
    public void Resolve_OverrideSplitsAddressesFromPorts()
    {
        var specs = ListenConfig.Resolve(Options(["0.0.0.0"], ["25"]), "<; 127.0.0.1 ; 2525 ; [::1]:2600", out var error);

        Assert.Null(error);
        Assert.Equal<ListenSpec>([new ListenSpec(IPAddress.Loopback, 2525), new ListenSpec(IPAddress.IPv6Loopback, 2600)], specs);
    }

    [Theory]
    [InlineData("127.0.0.300", null, "Malformed IP address \"127.0.0.300\" in local_interfaces")]
    [InlineData("127.1", null, "Malformed IP address \"127.1\" in local_interfaces")]
    [InlineData("127.0.0.1", "nosuchservice", "TCP port \"nosuchservice\" not found")]
    [InlineData("127.0.0.1", "99999", "invalid SMTP port: 99999")]
    public void Resolve_BadItems_GiveEximsErrors(string iface, string? port, string expected)
    {
        ListenConfig.Resolve(Options([iface], [port ?? "25"]), null, out var error);

        Assert.Equal(expected, error);
    }

    [Fact]
    public void Resolve_NoPorts_IsEximsFatalError()
    {
        ListenConfig.Resolve(Options(["127.0.0.1"], []), null, out var error);

        Assert.Equal("no port specified for interface 127.0.0.1 and daemon_smtp_port is unset; cannot start daemon", error);
    }

    [Fact]
    public void Describe_UsesEximsShapes()
    {
        // The description reads the configured address and the bound port; loopback sockets stand in for wildcards.
        using var s1 = Bound(IPAddress.IPv6Loopback);
        using var s2 = Bound(IPAddress.Loopback);
        using var s3 = Bound(IPAddress.Loopback);
        using var s4 = Bound(IPAddress.Loopback);
        using var s5 = Bound(IPAddress.IPv6Loopback);
        var p1 = ((IPEndPoint)s1.LocalEndPoint!).Port;
        var listeners = new[]
        {
            new Listener(new ListenSpec(IPAddress.IPv6Any, 25), s1, false),
            new Listener(new ListenSpec(IPAddress.Any, 25), s2, false),
            new Listener(new ListenSpec(IPAddress.Loopback, 0), s3, false),
            new Listener(new ListenSpec(IPAddress.Loopback, 1), s4, false),
            new Listener(new ListenSpec(IPAddress.IPv6Any, 26), s5, true),
        };

        var text = ListenerDescription.Describe(listeners);

        Assert.Equal($"SMTP on port {p1} (IPv6 and IPv4) [127.0.0.1]:{{{Port(s3)},{Port(s4)}}} port {Port(s5)} (IPv6 with IPv4)", text);
    }

    private static int Port(Socket s) => ((IPEndPoint)s.LocalEndPoint!).Port;

    private static Socket Bound(IPAddress address)
    {
        var s = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(address, 0));
        return s;
    }
}
