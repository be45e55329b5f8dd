using System.Text.RegularExpressions;
using Exim.Mail.Logging;
using Exim.TestKit;

namespace Exim.Host.Tests.Log;

/// <summary>Exim's log_selector: parsing as decode_bits does, and the lines a real daemon writes with and without items.</summary>
public sealed class LogSelectorTests
{
    [Fact]
    public void TryParse_AddsAndRemovesFromEximsDefaults()
    {
        Assert.True(LogSelection.TryParse("", out var none, out _));
        Assert.Equal(LogSelection.Default, none);
        Assert.True(none.Has(LogSelection.TlsCipher));
        Assert.False(none.Has(LogSelection.SmtpConnection));

        Assert.True(LogSelection.TryParse(" +smtp_connection -tls_cipher +pid ", out var some, out _));
        Assert.True(some.Has(LogSelection.SmtpConnection) && some.Has(LogSelection.Pid));
        Assert.False(some.Has(LogSelection.TlsCipher));

        Assert.True(LogSelection.TryParse("+all -subject", out var all, out _));
        Assert.True(all.Has(LogSelection.ReceivedRecipients) && all.Has(LogSelection.QueueTime));
        Assert.False(all.Has(LogSelection.Subject));

        Assert.True(LogSelection.TryParse("-all +subject", out var only, out _));
        Assert.Equal(new LogSelection(LogSelection.Subject), only);

        Assert.False(LogSelection.TryParse("+nonsense", out _, out var unknown));
        Assert.Equal("unknown log_selector setting: +nonsense", unknown);
        Assert.False(LogSelection.TryParse("+pid subject", out _, out var malformed));
        Assert.Equal("malformed log_selector setting: + or - expected but found \"subject\"", malformed);
    }

    [Fact]
    public async Task Config_UnknownItem_IsAnErrorWithItsPosition()
    {
        using var dir = new TempDirectory("exim-selector");
        var config = dir.Write("exim.toml", TestDaemon.SmtpConfig("log_selector = \"+smtp_connection +nonsense\""));
        var (code, _, stderr) = await EximProcess.RunAsync(dir.Path, "-C", config, "-bV");
        Assert.NotEqual(0, code);
        Assert.Matches(@"exim\.toml:\d+:\d+: unknown log_selector setting: \+nonsense", stderr);
    }

    [Fact]
    public async Task EximDefaults_NoConnectionLines_NoRecipientsOnTheArrivalLine()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("log_selector = \"\""));
        var port = d.Port;
        var id = await SendAsync(port, "plain");
        await d.WaitForLogAsync($"{id} <= a@test.example H=(client.test) [127.0.0.1] P=esmtp S=");
        await using (var idle = await SmtpTestClient.ConnectAsync(port))
        {
            await idle.ReadReplyAsync();
            await idle.CommandAsync("QUIT");
        }
        var log = d.MainLog;
        Assert.DoesNotContain("SMTP connection from", log, StringComparison.Ordinal);
        Assert.DoesNotContain(" for b@test.example", log, StringComparison.Ordinal);
        Assert.DoesNotContain(" T=\"", log, StringComparison.Ordinal);
        Assert.Matches(@"\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d " + id, log); // no [pid]
    }

    [Fact]
    public async Task MinusMsgId_DropsIdFromTheArrivalLine_AndItemsWithoutEffectAreNamedAtLoad()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("log_selector = \"-msg_id +incoming_port -retry_defer\""));
        await using (var client = await SmtpTestClient.ConnectAsync(d.Port))
        {
            await client.ReadReplyAsync();
            await client.CommandAsync("EHLO client.test");
            var reply = await client.SendMessageAsync("a@test.example", ["b@test.example"], "Message-ID: <m1@client.test>\nSubject: ids\n\nbody");
            var id = reply["250 OK id=".Length..];
            await d.WaitForLogAsync($"{id} <= a@test.example");
            Assert.Matches($@"{id} <= a@test\.example H=\(client\.test\) \[127\.0\.0\.1\] P=esmtp S=\d+\n", d.MainLog); // no id=<m1@client.test>
        }
        Assert.Matches(@"exim\.toml:\d+:\d+: log_selector items accepted for Exim's sake that change nothing in this version: \+incoming_port -retry_defer", d.MainLog);
    }

    [Fact]
    public async Task Selected_PidSubjectRecipientsConnection_AppearAsInExim()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("log_selector = \"+pid +subject +received_recipients +smtp_connection\""));
        var id = await SendAsync(d.Port, "say \"hi\" \\ there");
        await d.WaitForLogAsync("closed by QUIT");
        var pid = d.Process.Pid;
        var log = d.MainLog;
        Assert.Matches($@"\d\d:\d\d:\d\d \[{pid}\] {id} <= a@test\.example H=\(client\.test\) \[127\.0\.0\.1\] P=esmtp S=\d+ T=""say \\""hi\\"" \\\\ there"" for b@test\.example c@test\.example\n", log);
        Assert.Matches($@"\[{pid}\] SMTP connection from \[127\.0\.0\.1\] \(TCP/IP connection count = 1\)", log);
        Assert.Matches($@"\[{pid}\] SMTP connection from \(client\.test\) \[127\.0\.0\.1\] closed by QUIT", log);
    }

    [Fact]
    public async Task SenderOnDeliveryQueueTimeDeliverySizeDeliverTime_OnTheDeliveryLine()
    {
        await using var d = await TestDaemon.StartAsync($$"""
            {{TestDaemon.SmtpConfig("log_selector = \"+sender_on_delivery +queue_time +delivery_size +deliver_time\"")}}

            [[routers]]
            name = "local"
            driver = "accept"
            domains = "+local_domains"
            transport = "local_delivery"

            [[transports]]
            name = "local_delivery"
            driver = "maildir"
            directory = "maildir/$local_part"
            """);
        var id = await SendAsync(d.Port, "delivered");
        await d.WaitForLogAsync($"{id} Completed");
        var log = d.MainLog;
        // deliver.c's order: F=, R=, T=, S= (+delivery_size), then QT= and DT= (+deliver_time) last.
        var delivered = Regex.Match(log, $@"{id} => b <b@test\.example> F=<a@test\.example> R=local T=local_delivery S=(\d+) QT=\d+s DT=\d+s\n");
        Assert.True(delivered.Success, log);
        // The size delivered is the spooled message's (the arrival's S= counts the same headers and body).
        var arrived = long.Parse(Regex.Match(log, $@"{id} <= \S+ .* S=(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(long.Parse(delivered.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), arrived - 2, arrived + 2);
    }

    private static async Task<string> SendAsync(int port, string subject)
    {
        await using var client = await SmtpTestClient.ConnectAsync(port);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.test");
        var reply = await client.SendMessageAsync("a@test.example", ["b@test.example", "c@test.example"], $"Subject: {subject}\n\nbody");
        Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        await client.CommandAsync("QUIT");
        return reply["250 OK id=".Length..];
    }
}
