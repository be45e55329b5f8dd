using Exim.TestKit;

namespace Exim.Host.Tests.Daemon;

/// <summary>Every connection limit driven to refusal against a real daemon (Exim's own suite has no such tests).</summary>
public sealed class AcceptLimitTests
{
    [Fact]
    public async Task SmtpAcceptMax_RefusesTheNextConnection_UntilASlotIsFreed()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("smtp_accept_max = 2"));
        var (a, _) = await SmtpTestClient.OpenAsync(d.Port);
        var (b, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var bClient = b;

        var (c, refused) = await SmtpTestClient.OpenAsync(d.Port);
        await using (c)
        {
            Assert.Equal("421 Too many concurrent SMTP connections; please try again later.", refused);
            Assert.True(await c.IsClosedAsync(TestTimeouts.Default));
        }
        await d.WaitForLogAsync("Connection from [127.0.0.1] refused: too many connections");

        await a.CommandAsync("QUIT");
        await a.DisposeAsync();
        await d.WaitForLogAsync("closed by QUIT");
        var greeting = "";
        await Wait.UntilOrFailAsync(async () =>
        {
            var (e, g) = await SmtpTestClient.OpenAsync(d.Port);
            await e.DisposeAsync();
            greeting = g;
            return g.StartsWith("220 ", StringComparison.Ordinal);
        }, TestTimeouts.Default, () => "a freed slot; last greeting: " + greeting);
    }

    [Fact]
    public async Task SmtpAcceptMaxPerHost_CountsEachAddressSeparately()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("smtp_accept_max = 10\nsmtp_accept_max_per_host = 1"));
        var (a, _) = await SmtpTestClient.OpenAsync(d.Port, "127.0.0.1");
        await using var aClient = a;

        var (b, refused) = await SmtpTestClient.OpenAsync(d.Port, "127.0.0.1");
        await using var bClient = b;
        var (c, accepted) = await SmtpTestClient.OpenAsync(d.Port, "127.0.0.2");
        await using var cClient = c;

        Assert.Equal("421 Too many concurrent SMTP connections from this IP address; please try again later.", refused);
        Assert.StartsWith("220 ", accepted, StringComparison.Ordinal);
        await d.WaitForLogAsync("Connection from [127.0.0.1] refused: too many connections from that IP address");
    }

    [Fact]
    public async Task SmtpAcceptReserve_KeepsTheLastSlotsForReserveHosts()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig(
            "smtp_accept_max = 3\nsmtp_accept_reserve = 1\nsmtp_reserve_hosts = [\"127.0.0.2\"]"));
        var (a, _) = await SmtpTestClient.OpenAsync(d.Port);
        var (b, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var aClient = a;
        await using var bClient = b;

        var (c, refused) = await SmtpTestClient.OpenAsync(d.Port, "127.0.0.1");
        await using var cClient = c;
        var (r, reserved) = await SmtpTestClient.OpenAsync(d.Port, "127.0.0.2");
        await using var rClient = r;

        Assert.Equal("421 mx.test.example: Too many concurrent SMTP connections; please try again later", refused);
        Assert.StartsWith("220 ", reserved, StringComparison.Ordinal);
        await d.WaitForLogAsync("temporarily refused connection from [127.0.0.1]: not in reserve list: connected=2 max=3 reserve=1");
    }

    [Fact]
    public async Task HostRejectConnection_Gets554AndGoesToTheRejectLog()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("host_reject_connection = [\"127.0.0.2/32\"]"));

        var (c, reply) = await SmtpTestClient.OpenAsync(d.Port, "127.0.0.2");
        await using var client = c;

        Assert.Equal("554 SMTP service not available", reply);
        await Wait.UntilOrFailAsync(() => d.RejectLog.Contains("refused connection from [127.0.0.2] (host_reject_connection)", StringComparison.Ordinal),
            TestTimeouts.Default, () => "reject log:\n" + d.RejectLog);
    }

    [Fact]
    public async Task SmtpAcceptQueue_QueuesMessagesFromConnectionsAboveTheThreshold()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("smtp_accept_queue = 1"));
        var (a, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var aClient = a;
        var (b, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var bClient = b;
        await b.CommandAsync("EHLO b.example");

        var reply = await b.SendMessageAsync("x@b.example", "y@test.example", "Subject: q\n\nqueued");

        var id = reply["250 OK id=".Length..];
        await d.WaitForLogAsync($"{id} no immediate delivery: too many connections (2, max 1)");
    }

    [Fact]
    public async Task SmtpAcceptQueuePerConnection_QueuesTheMessagesAfterTheLimit()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("smtp_accept_queue_per_connection = 1"));
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var client = c;
        await client.CommandAsync("EHLO c.example");

        var first = (await client.SendMessageAsync("x@b.example", "y@test.example", "Subject: 1\n\none"))["250 OK id=".Length..];
        var second = (await client.SendMessageAsync("x@b.example", "y@test.example", "Subject: 2\n\ntwo"))["250 OK id=".Length..];

        await d.WaitForLogAsync($"{second} no immediate delivery: more than 1 messages received in one connection");
        Assert.DoesNotContain($"{first} no immediate delivery", d.MainLog, StringComparison.Ordinal);
    }

    /// <summary>A daemon whose load average is fixed by the test plugin's <c>load_average</c> option.</summary>
    private static Task<TestDaemon> StartWithLoadAsync(string load, string extra)
        => TestDaemon.StartAsync(TestDaemon.SmtpConfig(extra) + $$"""

            [plugins.load]
            assembly = "{{TestPluginFiles.V1}}"
            load_average = "{{load}}"
            """);

    [Fact]
    public async Task SmtpLoadReserve_WithoutReserveHosts_RefusesEveryone()
    {
        await using var d = await StartWithLoadAsync("3.5", "smtp_load_reserve = 2.0");

        var (c, reply) = await SmtpTestClient.OpenAsync(d.Port);
        await using var client = c;

        Assert.Equal("421 Too much load; please try again later.", reply);
        await d.WaitForLogAsync("Connection from [127.0.0.1] refused: load average = 3.50");
    }

    [Fact]
    public async Task SmtpLoadReserve_WithReserveHosts_AdmitsOnlyThem()
    {
        await using var d = await StartWithLoadAsync("3.5", "smtp_load_reserve = 2.0\nsmtp_reserve_hosts = [\"127.0.0.2\"]");

        var (c1, refused) = await SmtpTestClient.OpenAsync(d.Port, "127.0.0.1");
        await using var client1 = c1;
        var (c2, admitted) = await SmtpTestClient.OpenAsync(d.Port, "127.0.0.2");
        await using var client2 = c2;

        Assert.Equal("421 mx.test.example: Too much load; please try again later", refused);
        Assert.StartsWith("220 ", admitted, StringComparison.Ordinal);
        await d.WaitForLogAsync("temporarily refused connection from [127.0.0.1]: not in reserve list and load average = 3.50");
    }

    [Fact]
    public async Task QueueOnlyLoad_QueuesMessagesAboveTheLoad()
    {
        await using var d = await StartWithLoadAsync("1.25", "queue_only_load = 1.0");
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var client = c;
        await client.CommandAsync("EHLO c.example");

        var id = (await client.SendMessageAsync("x@b.example", "y@test.example", "Subject: load\n\nbody"))["250 OK id=".Length..];

        await d.WaitForLogAsync($"{id} no immediate delivery: load average 1.25");
    }

    [Fact]
    public async Task BelowTheLoadLimits_EverythingIsNormal()
    {
        await using var d = await StartWithLoadAsync("0.5", "smtp_load_reserve = 2.0\nqueue_only_load = 1.0");
        var (c, greeting) = await SmtpTestClient.OpenAsync(d.Port);
        await using var client = c;
        await client.CommandAsync("EHLO c.example");

        var reply = await client.SendMessageAsync("x@b.example", "y@test.example", "Subject: calm\n\nbody");

        Assert.StartsWith("220 ", greeting, StringComparison.Ordinal);
        Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        Assert.DoesNotContain("no immediate delivery", d.MainLog, StringComparison.Ordinal);
    }
}
