using Exim.TestKit;

namespace Exim.Host.Tests.Delivery;

/// <summary>The daemon delivers what it receives at once (spec §1.6 step 9) unless queue_only says otherwise.</summary>
public sealed class ImmediateDeliveryTests
{
    private static string Config(string extra) => TestDaemon.SmtpConfig(extra + "\n" + DeliveryFixture.LocalDelivery);

    [Fact]
    public async Task ReceivedMessage_IsDeliveredWithoutAQueueRun()
    {
        await using var d = await TestDaemon.StartAsync(Config(""));

        var (code, output) = await Swaks.RunAsync("--server", $"127.0.0.1:{d.Port}", "--from", "alice@example.org", "--to", "bob@test.example", "--body", "now");

        Assert.True(code == 0, output);
        await d.WaitForLogAsync("=> bob <bob@test.example> R=local T=local_delivery");
        await d.WaitForLogAsync(" Completed");
        Assert.Single(DeliveryFixture.Delivered(d, "bob"));
        Assert.Empty(Directory.GetFiles(d.InputDirectory, "*-H"));
    }

    [Fact]
    public async Task QueueOnly_LeavesTheMessageForAQueueRun()
    {
        await using var d = await TestDaemon.StartAsync(Config("queue_only = true"));

        var (code, output) = await Swaks.RunAsync("--server", $"127.0.0.1:{d.Port}", "--from", "alice@example.org", "--to", "bob@test.example", "--body", "later");

        Assert.True(code == 0, output);
        Assert.Single(Directory.GetFiles(d.InputDirectory, "*-H"));
        Assert.Empty(DeliveryFixture.Delivered(d, "bob"));

        var (runCode, stdout, stderr) = await EximProcess.RunAsync(d.Directory.Path, "-C", d.ConfigPath, "-q");
        Assert.True(runCode == 0, stdout + stderr);
        Assert.Single(DeliveryFixture.Delivered(d, "bob"));
        Assert.Empty(Directory.GetFiles(d.InputDirectory, "*-H"));
    }

    [Fact]
    public async Task MessageInANamedQueue_IsDeliveredAtOnceToo_FromThatQueue()
    {
        await using var d = await StartWithAcceptHookAsync("return Verdict.AcceptToQueue(\"bulk\");");

        await SendToBobAsync(d);

        await d.WaitForLogAsync("=> bob <bob@test.example> Q=bulk R=local T=local_delivery");
        await d.WaitForLogAsync(" Completed");
        Assert.Single(DeliveryFixture.Delivered(d, "bob"));
        Assert.Empty(Directory.GetFiles(d.Directory.Combine("spool", "bulk", "input"), "*-H"));
    }

    [Fact]
    public async Task AcceptToQueueQueueOnly_LeavesTheMessageForThatQueuesRunner()
    {
        await using var d = await StartWithAcceptHookAsync("return Verdict.AcceptToQueue(\"hold\", queueOnly: true);");

        await SendToBobAsync(d);

        await d.WaitForLogAsync("no immediate delivery: accept hook: queue only ('hold' queue)");
        var hold = d.Directory.Combine("spool", "hold", "input");
        Assert.Single(Directory.GetFiles(hold, "*-H"));
        Assert.Empty(DeliveryFixture.Delivered(d, "bob"));

        var (runCode, stdout, stderr) = await EximProcess.RunAsync(d.Directory.Path, "-C", d.ConfigPath, "-qGhold");
        Assert.True(runCode == 0, stdout + stderr);
        Assert.Single(DeliveryFixture.Delivered(d, "bob"));
        Assert.Empty(Directory.GetFiles(hold, "*-H"));
    }

    /// <summary>A daemon delivering at once, with <paramref name="script"/> as its accept hook.</summary>
    private static Task<TestDaemon> StartWithAcceptHookAsync(string script)
    {
        var dir = new TempDirectory("exim-immediate");
        dir.Write("scripts/accept.csx", script);
        return TestDaemon.StartAsync(Config("") + "\n[hooks]\naccept = \"scripts/accept.csx\"\n", dir);
    }

    private static async Task SendToBobAsync(TestDaemon d)
    {
        var (code, output) = await Swaks.RunAsync("--server", $"127.0.0.1:{d.Port}", "--from", "alice@example.org", "--to", "bob@test.example", "--body", "hello");
        Assert.True(code == 0, output);
    }
}
