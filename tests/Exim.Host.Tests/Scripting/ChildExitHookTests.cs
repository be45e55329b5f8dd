using System.Text.RegularExpressions;
using Exim.TestKit;

namespace Exim.Host.Tests.Scripting;

/// <summary>The child_exit hook in a real daemon: it fires with the right kind and outcome, and never holds anything up.</summary>
public sealed class ChildExitHookTests
{
    private const string Report = """
        Log.Info($"exit kind={Child.Kind} id={Child.Id} outcome={Child.Outcome?.ToString() ?? "-"} client={Child.Client?.ToString() ?? "-"} pid={Child.ProcessId?.ToString() ?? "-"} code={Child.ExitCode?.ToString() ?? "-"} signal={Child.Signal?.ToString() ?? "-"} messages={Child.Messages} seconds={Child.Duration.TotalSeconds >= 0}");
        """;

    [Fact]
    public async Task Quit_ReportsASessionThatQuit_WithItsMessages()
    {
        await using var d = await HookDaemon.StartAsync(accept: null, childExit: Report);
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port, "127.0.0.3");
        await using (var client = c)
        {
            await client.CommandAsync("EHLO c.example");
            Assert.StartsWith("250 OK id=", await client.SendMessageAsync("a@c.example", "b@test.example", "Subject: x\n\nbody"), StringComparison.Ordinal);
            await client.CommandAsync("QUIT");
        }

        await d.WaitForLogAsync("exit kind=SmtpSession");
        Assert.Matches(@"exit kind=SmtpSession id=\S+ outcome=Quit client=127\.0\.0\.3 pid=- code=- signal=- messages=1 seconds=True", d.MainLog);
    }

    [Fact]
    public async Task Timeout_AndDroppedConnection_AreReportedAsSuch()
    {
        await using var d = await HookDaemon.StartAsync(accept: null, childExit: Report, mainOptions: "smtp_receive_timeout = \"1s\"");

        var (idle, _) = await SmtpTestClient.OpenAsync(d.Port, "127.0.0.4");
        await using (idle)
        {
            await d.WaitForLogAsync("outcome=Timeout client=127.0.0.4", TestTimeouts.Default);
        }
        var (dropped, _) = await SmtpTestClient.OpenAsync(d.Port, "127.0.0.5");
        await dropped.DisposeAsync();

        await d.WaitForLogAsync("outcome=Dropped client=127.0.0.5");
        Assert.Contains("kind=SmtpSession", d.MainLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestedQueueRun_StartsARunnerProcess_WhoseExitIsReported()
    {
        await using var d = await HookDaemon.StartAsync(accept: null, childExit: Report + """

            if (Child.Kind == ChildExitKind.SmtpSession && Child.Messages > 0) Queue.RequestRun($"{Child.Messages} message(s) from {Child.Client}");
            """);
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using (var client = c)
        {
            await client.CommandAsync("EHLO c.example");
            await client.SendMessageAsync("a@c.example", "b@test.example", "Subject: x\n\nbody");
            await client.CommandAsync("QUIT");
        }

        await d.WaitForLogAsync("queue run requested: 1 message(s) from 127.0.0.1");
        await d.WaitForLogAsync("exit kind=QueueRunner", TestTimeouts.Startup);
        var line = d.MainLog.Split('\n').First(l => l.Contains("exit kind=QueueRunner", StringComparison.Ordinal));
        var m = Regex.Match(line, @"id=runner-(\d+) outcome=- client=- pid=(\d+) code=(\d+) signal=- messages=0");
        Assert.True(m.Success, line);
        Assert.Equal(m.Groups[1].Value, m.Groups[2].Value);
    }

    [Fact]
    public async Task ImmediateDelivery_IsReportedAsADeliveryChild()
    {
        await using var d = await HookDaemon.StartAsync(accept: null, childExit: Report, extra: "\n" + Delivery.DeliveryFixture.LocalDelivery);
        var (c, _) = await SmtpTestClient.OpenAsync(d.Port);
        string id;
        await using (var client = c)
        {
            await client.CommandAsync("EHLO c.example");
            id = (await client.SendMessageAsync("a@c.example", "b@test.example", "Subject: x\n\nbody"))["250 OK id=".Length..];
            await client.CommandAsync("QUIT");
        }

        await d.WaitForLogAsync($"exit kind=Delivery id={id} outcome=- client=- pid=- code=0 signal=- messages=1");
        Assert.Single(Directory.GetFiles(d.Directory.Combine("maildir", "b", "new")));
    }

    [Fact]
    public async Task FailingOrRunawayScript_IsLoggedAndCounted_AndNeverHoldsUpSessions()
    {
        await using var d = await HookDaemon.StartAsync(accept: null, childExit: """
            if (Child.Client?.ToString() == "127.0.0.2") throw new InvalidOperationException("child hook broke");
            while (true) { }
            """, timeout: "300ms");

        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 4; i++)
        {
            var (c, greeting) = await SmtpTestClient.OpenAsync(d.Port, i == 0 ? "127.0.0.2" : "127.0.0.1");
            await using var client = c;
            Assert.StartsWith("220 ", greeting, StringComparison.Ordinal);
            Assert.StartsWith("221 ", await client.CommandAsync("QUIT"), StringComparison.Ordinal);
        }
        // Four sessions served while the hook spends up to 300 ms on each exit: they never waited for it.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"sessions took {started.Elapsed}");

        await d.WaitForLogAsync("child_exit hook scripts/child-exit.csx failed for SmtpSession");
        Assert.Contains("InvalidOperationException: child hook broke at scripts/child-exit.csx line 1", d.MainLog, StringComparison.Ordinal);
        await Wait.UntilOrFailAsync(() => d.CountLog("ran past its 300 ms budget") == 3, TestTimeouts.Default, () => d.MainLog);
    }
}
