using System.Net;
using System.Net.Sockets;
using System.Text;
using Exim.TestKit;

namespace Exim.Host.Tests.Delivery;

/// <summary>
/// The smtp transport's host handling with real peers: <c>fallback_hosts</c> (the transport's and a router's), and how
/// the names in <c>hosts</c> are looked up (<c>gethostbyname</c>, <c>dns_qualify_single</c>). Daemon A on 127.0.0.2
/// queues each message; <c>exim -M</c> delivers it to scripted SMTP servers on 127.0.0.1.
/// </summary>
public sealed class FallbackHostsTests(FallbackHostsTests.Fixture f) : IClassFixture<FallbackHostsTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public DnsServer Dns { get; private set; } = null!;
        public TestDaemon A { get; private set; } = null!;
        public ScriptedSmtpServer Fallback { get; } = new(ScriptedSmtpServer.Answers());
        public ScriptedSmtpServer RouterFallback { get; } = new(ScriptedSmtpServer.Answers());
        public ScriptedSmtpServer TempFail { get; } = new(ScriptedSmtpServer.Answers(rcpt: "451 4.7.1 try again later"));
        public ScriptedSmtpServer Reject { get; } = new(ScriptedSmtpServer.Answers(rcpt: "550 5.1.1 no such user here"));
        public int Closed { get; } = ClosedPort();

        public async Task InitializeAsync()
        {
            Dns = await DnsServer.StartAsync(("bt.test", "bt.test.zone"), (".", "root.zone"));
            var fallback = $"127.0.0.1::{Fallback.Port}";
            A = await TestDaemon.StartAsync($$"""
                spool_directory = "spool"
                primary_hostname = "a.fallback.test"
                local_interfaces = ["127.0.0.2"]
                daemon_smtp_ports = [0]
                local_domains = ["a.example"]
                relay_from_hosts = ["127.0.0.0/8"]
                queue_only = true

                [[routers]]
                name = "manual"
                driver = "manualroute"
                route_list = ["refused.example 127.0.0.1::{{Closed}}", "tempfail.example 127.0.0.1::{{TempFail.Port}}", "reject.example 127.0.0.1::{{Reject.Port}}"]
                transport = "with_fallback"

                [[routers]]
                name = "own_fallback"
                driver = "manualroute"
                route_list = ["router.example 127.0.0.1::{{Closed}}"]
                fallback_hosts = ["127.0.0.1::{{RouterFallback.Port}}"]
                transport = "with_fallback"

                [[routers]]
                name = "mx"
                driver = "dnslookup"
                domains = ["*.bt.test"]
                transport = "mx_fallback"

                [[routers]]
                name = "byname"
                driver = "accept"
                domains = ["byname.example"]
                transport = "byname"

                [[routers]]
                name = "bydns"
                driver = "accept"
                domains = ["bydns.example"]
                transport = "bydns"

                [[routers]]
                name = "qualify"
                driver = "accept"
                domains = ["qualify.example"]
                transport = "qualify"

                [[routers]]
                name = "noqualify"
                driver = "accept"
                domains = ["noqualify.example"]
                transport = "noqualify"

                {{DeliveryFixture.LocalDelivery}}

                [[transports]]
                name = "with_fallback"
                driver = "smtp"
                fallback_hosts = ["{{fallback}}"]

                [[transports]]
                name = "mx_fallback"
                driver = "smtp"
                port = {{Closed}}
                fallback_hosts = ["{{fallback}}"]

                [[transports]]
                name = "byname"
                driver = "smtp"
                hosts = ["localhost::{{Fallback.Port}}"]
                gethostbyname = true

                [[transports]]
                name = "bydns"
                driver = "smtp"
                hosts = ["localhost::{{Fallback.Port}}"]

                [[transports]]
                name = "qualify"
                driver = "smtp"
                hosts = ["relay::{{Fallback.Port}}"]

                [[transports]]
                name = "noqualify"
                driver = "smtp"
                hosts = ["relay::{{Fallback.Port}}"]
                dns_qualify_single = false

                [plugins.daemon]
                assembly = "{{RepoPaths.Plugin("daemon", "Exim.Plugins.Daemon.dll")}}"

                [plugins.gethostbyname-resolver]
                assembly = "{{RepoPaths.Plugin("gethostbyname-resolver", "Exim.Plugins.GetHostByNameResolver.dll")}}"

                [plugins.dns-resolver]
                assembly = "{{RepoPaths.Plugin("dns-resolver", "Exim.Plugins.DnsResolver.dll")}}"
                nameservers = ["{{Dns.NameServer}}"]
                search = ["bt.test"]
                dns_retrans = "1s"
                dns_retry = 2
                """);
        }

        /// <summary>Queues a message for <paramref name="to"/> on daemon A and delivers it with <c>exim -M</c>; returns its id.</summary>
        public async Task<string> SendAndDeliverAsync(string to)
        {
            await using var client = await SmtpTestClient.ConnectAsync(A.PortsOn("127.0.0.2")[0], host: "127.0.0.2");
            Assert.StartsWith("220", await client.ReadReplyAsync());
            Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"));
            Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<alice@a.example>"));
            Assert.StartsWith("250", await client.CommandAsync($"RCPT TO:<{to}>"));
            Assert.StartsWith("354", await client.CommandAsync("DATA"));
            await client.SendBytesAsync(Encoding.ASCII.GetBytes($"Subject: fallback\r\n\r\nfor {to}\r\n"));
            var reply = await client.CommandAsync(".");
            Assert.StartsWith("250", reply);
            var id = reply["250 OK id=".Length..];
            var (code, stdout, stderr) = await EximProcess.RunAsync(A.Directory.Path, "-C", A.ConfigPath, "-M", id);
            Assert.True(code is 0 or 1, stdout + stderr);
            return id;
        }

        private static int ClosedPort()
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)socket.LocalEndPoint!).Port; // closed again at once: connections are refused
        }

        public async Task DisposeAsync()
        {
            await A.DisposeAsync();
            await Fallback.DisposeAsync();
            await RouterFallback.DisposeAsync();
            await TempFail.DisposeAsync();
            await Reject.DisposeAsync();
            await Dns.DisposeAsync();
        }
    }

    private static bool Got(ScriptedSmtpServer server, string address) => server.Commands.Contains($"RCPT TO:<{address}>");

    [Fact]
    public async Task ConnectionRefused_FallbackHostDelivers()
    {
        var id = await f.SendAndDeliverAsync("u@refused.example");

        Assert.Contains($"{id} H=127.0.0.1 [127.0.0.1] Connection refused", f.A.MainLog, StringComparison.Ordinal);
        Assert.Contains($"{id} => u@refused.example R=manual T=with_fallback H=127.0.0.1 [127.0.0.1]", f.A.MainLog, StringComparison.Ordinal);
        Assert.Contains($"{id} Completed", f.A.MainLog, StringComparison.Ordinal);
        Assert.True(Got(f.Fallback, "u@refused.example"));
    }

    [Fact]
    public async Task TemporaryRejection_FallbackHostDelivers()
    {
        var id = await f.SendAndDeliverAsync("u@tempfail.example");

        Assert.True(Got(f.TempFail, "u@tempfail.example"));
        Assert.True(Got(f.Fallback, "u@tempfail.example"));
        Assert.Contains($"{id} => u@tempfail.example R=manual T=with_fallback", f.A.MainLog, StringComparison.Ordinal);
        Assert.DoesNotContain($"{id} == u@tempfail.example", f.A.MainLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PermanentRejection_IsFinal_FallbackNotTried()
    {
        var id = await f.SendAndDeliverAsync("u@reject.example");

        Assert.Contains($"{id} ** u@reject.example R=manual T=with_fallback", f.A.MainLog, StringComparison.Ordinal);
        Assert.False(Got(f.Fallback, "u@reject.example"));
    }

    [Fact]
    public async Task RoutersFallbackHosts_ReplaceTheTransports()
    {
        var id = await f.SendAndDeliverAsync("u@router.example");

        Assert.True(Got(f.RouterFallback, "u@router.example"));
        Assert.False(Got(f.Fallback, "u@router.example"));
        Assert.Contains($"{id} => u@router.example R=own_fallback T=with_fallback", f.A.MainLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThisHostALowerMx_TheTransportsFallbackHostsAreNotUsed()
    {
        var plain = await f.SendAndDeliverAsync("u@onemx.bt.test");
        var backup = await f.SendAndDeliverAsync("u@backupmx.bt.test");

        Assert.Contains($"{plain} => u@onemx.bt.test R=mx T=mx_fallback H=127.0.0.1 [127.0.0.1]", f.A.MainLog, StringComparison.Ordinal);
        Assert.Contains($"{backup} H=lo3.hosts.bt.test [127.0.0.3] Connection refused", f.A.MainLog, StringComparison.Ordinal);
        Assert.Contains($"{backup} == u@backupmx.bt.test R=mx T=mx_fallback defer (111): Connection refused", f.A.MainLog, StringComparison.Ordinal);
        Assert.False(Got(f.Fallback, "u@backupmx.bt.test"));
    }

    [Fact]
    public async Task Gethostbyname_LooksUpTransportHostsWithTheSystemResolver()
    {
        var byname = await f.SendAndDeliverAsync("u@byname.example");
        var bydns = await f.SendAndDeliverAsync("u@bydns.example");

        // localhost is in /etc/hosts, not in the DNS the dns-resolver plugin asks.
        Assert.Contains($"{byname} => u@byname.example R=byname T=byname H=localhost [127.0.0.1]", f.A.MainLog, StringComparison.Ordinal);
        Assert.Contains($"{bydns} == u@bydns.example R=bydns T=bydns defer (-32): failed to lookup IP address for localhost", f.A.MainLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DnsQualifySingle_QualifiesOneComponentHostNames()
    {
        var qualified = await f.SendAndDeliverAsync("u@qualify.example");
        var plain = await f.SendAndDeliverAsync("u@noqualify.example");

        Assert.Contains($"{qualified} => u@qualify.example R=qualify T=qualify H=relay.bt.test [127.0.0.1]", f.A.MainLog, StringComparison.Ordinal);
        Assert.Contains($"{plain} == u@noqualify.example R=noqualify T=noqualify defer (-32): failed to lookup IP address for relay", f.A.MainLog, StringComparison.Ordinal);
    }
}
