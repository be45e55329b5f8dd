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

    [GeneratedRegex(@"\[::1\]:(\d+)")]
    private static partial Regex V6Port();
}
