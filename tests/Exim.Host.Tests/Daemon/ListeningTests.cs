using System.Text.RegularExpressions;
using Exim.TestKit;

namespace Exim.Host.Tests.Daemon;

public sealed partial class ListeningTests
{
    [Fact]
    public async Task IPv6AndIPv4Loopback_BothServe_AndTheStartLineNamesBoth()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig().Replace(
            "local_interfaces = [\"127.0.0.1\"]", "local_interfaces = [\"127.0.0.1\", \"::1\"]", StringComparison.Ordinal));
        var v6Port = int.Parse(V6Port().Match(d.MainLog).Groups[1].Value);

        var v6 = await SmtpTestClient.ConnectAsync(v6Port, host: "::1");
        await using var v6Client = v6;
        var greeting = await v6.ReadReplyAsync();

        Assert.StartsWith("220 mx.test.example ESMTP", greeting, StringComparison.Ordinal);
        Assert.Matches($@"listening for SMTP on \[127\.0\.0\.1\]:{d.Port} \[::1\]:{v6Port}", d.MainLog);
        Assert.Equal("250 mx.test.example Hello c.example [::1]", await v6.CommandAsync("HELO c.example"));
        await d.WaitForLogAsync("SMTP connection from [::1] (TCP/IP connection count = 1)");
    }

    [Fact]
    public async Task HostsConnectionNolog_SuppressesOnlyTheConnectionLine()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("hosts_connection_nolog = [\"127.0.0.2\"]"));
        var (quiet, _) = await SmtpTestClient.OpenAsync(d.Port, "127.0.0.2");
        await using (quiet) await quiet.CommandAsync("QUIT");
        var (loud, _) = await SmtpTestClient.OpenAsync(d.Port, "127.0.0.1");
        await using (loud) await loud.CommandAsync("QUIT");

        await d.WaitForLogAsync("SMTP connection from [127.0.0.1] (TCP/IP connection count = "); // 1 or 2: the quiet slot may not be freed yet
        await d.WaitForLogAsync("SMTP connection from [127.0.0.2] closed by QUIT");
        Assert.DoesNotContain("SMTP connection from [127.0.0.2] (TCP/IP", d.MainLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wildcards_PairIPv6AndIPv4_WithV6Only_AndBothFamiliesAnswer()
    {
        var port = FreePort();
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig().Replace(
            "local_interfaces = [\"127.0.0.1\"]\ndaemon_smtp_ports = [0]", $"local_interfaces = [\"0.0.0.0\", \"::0\"]\ndaemon_smtp_ports = [{port}]", StringComparison.Ordinal));

        await d.WaitForLogAsync($"listening for SMTP on port {port} (IPv6 and IPv4)");
        foreach (var host in new[] { "127.0.0.1", "::1" })
        {
            var c = await SmtpTestClient.ConnectAsync(port, host: host);
            await using var client = c;
            Assert.StartsWith("220 ", await c.ReadReplyAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DashOP_WritesThePidFileThereEvenWithDashOX()
    {
        using var dir = new TempDirectory();
        var pidFile = dir.Combine("run", "exim.pid");
        var port = FreePort();
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig(), null, "-oX", $"127.0.0.1.{port}", "-oP", pidFile);

        Assert.Equal($"{d.Process.Pid}\n", File.ReadAllText(pidFile));
        Assert.False(File.Exists(d.PidFilePath));
        Assert.Equal(0, await d.StopAsync());
        Assert.False(File.Exists(pidFile));
    }

    [Fact]
    public async Task SmtpConnectBacklogAboveTheKernelLimit_TheDaemonSaysWhatItGot()
    {
        var kernel = Exim.Host.Listeners.ListenBacklog.KernelLimit();
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("smtp_connect_backlog = 65535"));

        if (kernel < 65535)
        {
            Assert.Contains($"smtp_connect_backlog = 65535 is more than the kernel allows: the listen backlog is {kernel} (net.core.somaxconn) for SMTP on [127.0.0.1]:{d.Port}",
                d.MainLog, StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain("smtp_connect_backlog", d.MainLog, StringComparison.Ordinal);
        }
    }

    private static int FreePort()
    {
        using var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetworkV6, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { DualMode = true };
        s.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.IPv6Loopback, 0));
        return ((System.Net.IPEndPoint)s.LocalEndPoint!).Port;
    }

    [GeneratedRegex(@"\[::1\]:(\d+)")]
    private static partial Regex V6Port();
}
