using System.Text;
using Exim.TestKit;

namespace Exim.Host.Tests.Delivery;

/// <summary>
/// Real peers for the delivery tests: NSD serving delivery.test; daemon B on 127.0.0.1 taking mail for the
/// delivery.test domains into its Maildir; hand-written SMTP servers that answer 451 or 550 to RCPT or stall after
/// EHLO; and daemon A on 127.0.0.2 (so B's address is not "this host" for A), whose routers send each test domain to
/// one of them: dnslookup by MX for *.delivery.test, manualroute for the others, and its own domain a.example into a
/// Maildir (where bounces land).
/// </summary>
public sealed class DeliveryFixture : IAsyncLifetime
{
    public DnsServer Dns { get; private set; } = null!;
    public TestDaemon A { get; private set; } = null!;
    public TestDaemon B { get; private set; } = null!;
    public ScriptedSmtpServer TempFail { get; } = new(ScriptedSmtpServer.Answers(rcpt: "451 4.7.1 try again later"));
    public ScriptedSmtpServer Reject { get; } = new(ScriptedSmtpServer.Answers(rcpt: "550 5.1.1 no such user here"));
    public ScriptedSmtpServer Stall { get; } = new(ScriptedSmtpServer.Answers(mail: null));

    /// <summary>An old server: EHLO is unknown (so HELO, and no PIPELINING), everything else accepted.</summary>
    public ScriptedSmtpServer Legacy { get; } = new(c => c.StartsWith("EHLO", StringComparison.OrdinalIgnoreCase) ? "500 unrecognized command" : ScriptedSmtpServer.Answers()(c));

    public int APort => A.PortsOn("127.0.0.2")[0];

    /// <summary>Both daemons deliver their local domains into maildir/&lt;local part&gt;; routers after this one see other domains.</summary>
    internal const string LocalDelivery = """
        [[routers]]
        name = "local"
        driver = "accept"
        domains = "+local_domains"
        transport = "local_delivery"

        [[transports]]
        name = "local_delivery"
        driver = "maildir"
        directory = "maildir/$local_part"
        """;

    public async Task InitializeAsync()
    {
        Dns = await DnsServer.StartAsync(("delivery.test", "delivery.test.zone"));
        B = await TestDaemon.StartAsync($$"""
            spool_directory = "spool"
            primary_hostname = "b.delivery.test"
            local_interfaces = ["127.0.0.1"]
            daemon_smtp_ports = [0]
            local_domains = ["mx.delivery.test", "twomx.delivery.test"]
            relay_from_hosts = ["127.0.0.0/8"]
            queue_only = true                     # the tests deliver with -M and -q
            queue_run_parallel = 1                # one message after another: the tests count connections and order

            {{LocalDelivery}}

            [plugins.daemon]
            assembly = "{{RepoPaths.Plugin("daemon", "Exim.Plugins.Daemon.dll")}}"
            """);
        A = await TestDaemon.StartAsync($$"""
            spool_directory = "spool"
            primary_hostname = "a.delivery.test"
            local_interfaces = ["127.0.0.2"]
            daemon_smtp_ports = [0]
            local_domains = ["a.example"]
            relay_from_hosts = ["127.0.0.0/8"]
            queue_only = true                     # the tests deliver with -M and -q
            queue_run_parallel = 1                # one message after another: the tests count connections and order

            [[routers]]
            name = "mx"
            driver = "dnslookup"
            domains = ["*.delivery.test"]
            transport = "to_b"
            more = false

            [[routers]]
            name = "tempfail"
            driver = "manualroute"
            domains = ["tempfail.example", "expire.example"]
            route_list = ["* 127.0.0.1"]
            transport = "to_tempfail"

            [[routers]]
            name = "reject"
            driver = "manualroute"
            route_list = ["reject.example 127.0.0.1 bydns"]
            transport = "to_reject"

            [[routers]]
            name = "legacy"
            driver = "manualroute"
            route_list = ["legacy.example 127.0.0.1"]
            transport = "to_legacy"

            [[routers]]
            name = "stall"
            driver = "manualroute"
            route_list = ["stall.example 127.0.0.1"]
            transport = "to_stall"

            {{LocalDelivery}}

            [[transports]]
            name = "to_b"
            driver = "smtp"
            port = "{{B.Port}}"
            interface = ["::1", "127.0.0.2"]      # the IPv4 one is bound for B's IPv4 address

            [[transports]]
            name = "to_legacy"
            driver = "smtp"
            port = "{{Legacy.Port}}"
            max_rcpt = 2

            [[transports]]
            name = "to_tempfail"
            driver = "smtp"
            port = "{{TempFail.Port}}"

            [[transports]]
            name = "to_reject"
            driver = "smtp"
            port = "{{Reject.Port}}"

            [[transports]]
            name = "to_stall"
            driver = "smtp"
            port = "{{Stall.Port}}"
            command_timeout = "2s"

            [[retry]]
            pattern = "*@expire.example"
            rules = "F,3s,1s"

            [[retry]]
            pattern = "*"
            rules = "F,2h,15m; G,16h,1h,1.5; F,4d,6h"

            [plugins.daemon]
            assembly = "{{RepoPaths.Plugin("daemon", "Exim.Plugins.Daemon.dll")}}"

            [plugins.dns-resolver]
            assembly = "{{RepoPaths.Plugin("dns-resolver", "Exim.Plugins.DnsResolver.dll")}}"
            nameservers = ["{{Dns.NameServer}}"]
            dns_retrans = "1s"
            dns_retry = 2
            """);
    }

    /// <summary>Sends one message to daemon A over a real socket and returns its id. <paramref name="body"/> uses LF line ends.</summary>
    public async Task<string> SendAsync(string from, string to, string body) => await SendAsync(from, [to], body);

    /// <summary>As above, to several recipients.</summary>
    public async Task<string> SendAsync(string from, string[] recipients, string body)
    {
        await using var client = await SmtpTestClient.ConnectAsync(APort, host: "127.0.0.2");
        Assert.StartsWith("220", await client.ReadReplyAsync());
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"));
        Assert.StartsWith("250", await client.CommandAsync($"MAIL FROM:<{from}>"));
        foreach (var to in recipients) Assert.StartsWith("250", await client.CommandAsync($"RCPT TO:<{to}>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        var text = $"From: <{from}>\nTo: <{recipients[0]}>\nSubject: delivery test\n\n{body}";
        var wire = new StringBuilder();
        foreach (var line in text.TrimEnd('\n').Split('\n')) wire.Append(line.StartsWith('.') ? "." : "").Append(line).Append("\r\n");
        await client.SendBytesAsync(Encoding.Latin1.GetBytes(wire.ToString()));
        var reply = await client.CommandAsync(".");
        Assert.StartsWith("250", reply);
        await client.CommandAsync("QUIT");
        return reply["250 OK id=".Length..];
    }

    /// <summary>Takes message <paramref name="id"/>'s lock in <paramref name="inputDirectory"/>, as a delivery in progress holds it.</summary>
    internal static Mail.Delivery.MessageLock LockMessage(string inputDirectory, string id)
    {
        Assert.Equal(Mail.Delivery.LockAttempt.Acquired, Mail.Delivery.MessageLock.TryAcquire(inputDirectory, id, out var held));
        return held!;
    }

    public Task<(int ExitCode, string Stdout, string Stderr)> RunAAsync(params string[] args) => EximProcess.RunAsync(A.Directory.Path, ["-C", A.ConfigPath, .. args]);

    public Task<(int ExitCode, string Stdout, string Stderr)> RunBAsync(params string[] args) => EximProcess.RunAsync(B.Directory.Path, ["-C", B.ConfigPath, .. args]);

    /// <summary>The files delivered into <paramref name="daemon"/>'s Maildir for <paramref name="localPart"/>.</summary>
    public static string[] Delivered(TestDaemon daemon, string localPart)
    {
        var dir = daemon.Directory.Combine("maildir", localPart, "new");
        return Directory.Exists(dir) ? [.. Directory.GetFiles(dir).Select(f => File.ReadAllText(f, Encoding.Latin1))] : [];
    }

    public bool Queued(TestDaemon daemon, string id) => File.Exists(daemon.Directory.Combine("spool", "input", id + "-H"));

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await TempFail.DisposeAsync();
        await Reject.DisposeAsync();
        await Stall.DisposeAsync();
        await Legacy.DisposeAsync();
        await Dns.DisposeAsync();
    }
}
