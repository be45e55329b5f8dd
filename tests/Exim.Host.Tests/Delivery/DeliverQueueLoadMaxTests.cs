using System.Text.RegularExpressions;
using Exim.TestKit;

namespace Exim.Host.Tests.Delivery;

/// <summary>deliver_queue_load_max: above that load average a queue run delivers nothing (Exim's queue.c), unless forced.</summary>
public sealed class DeliverQueueLoadMaxTests
{
    private static Task<TestDaemon> StartAsync(string load, string loadMax) => TestDaemon.StartAsync(TestDaemon.SmtpConfig($$"""
        queue_only = true
        {{loadMax}}

        {{DeliveryFixture.LocalDelivery}}

        [plugins.load]
        assembly = "{{TestPluginFiles.V1}}"
        load_average = "{{load}}"
        """));

    private static async Task<string> QueueAsync(TestDaemon d)
    {
        var (code, output) = await Swaks.RunAsync("--server", $"127.0.0.1:{d.Port}", "--from", "alice@test.example", "--to", "bob@test.example", "--body", "queued");
        Assert.True(code == 0, output);
        return Regex.Match(output, @"250 OK id=(\S+)").Groups[1].Value;
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(TestDaemon d, string flag) => EximProcess.RunAsync(d.Directory.Path, "-C", d.ConfigPath, flag);

    [Fact]
    public async Task LoadAboveTheMaximum_QueueRunIsAbandoned_ForcedRunStillDelivers()
    {
        await using var d = await StartAsync("2.5", "deliver_queue_load_max = 1.0");
        var id = await QueueAsync(d);

        var (code, _, stderr) = await RunAsync(d, "-q");

        Assert.True(code == 0, stderr);
        Assert.Empty(DeliveryFixture.Delivered(d, "bob"));
        Assert.Matches(@"Abandon queue run: pid=(\d+) \(load 2\.50, max 1\.00\)\n.*End queue run: pid=\1\n", d.MainLog);
        Assert.DoesNotContain($"{id} =>", d.MainLog, StringComparison.Ordinal);

        (code, _, stderr) = await RunAsync(d, "-qf"); // forced runs ignore the load, as Exim's do
        Assert.True(code == 0, stderr);
        Assert.Single(DeliveryFixture.Delivered(d, "bob"));
        Assert.Equal(1, d.CountLog("Abandon queue run"));
    }

    [Fact]
    public async Task LoadAtOrBelowTheMaximum_Delivers()
    {
        await using var d = await StartAsync("1.0", "deliver_queue_load_max = 1.0");
        await QueueAsync(d);

        var (code, _, stderr) = await RunAsync(d, "-q");

        Assert.True(code == 0, stderr);
        Assert.Single(DeliveryFixture.Delivered(d, "bob"));
        Assert.DoesNotContain("Abandon queue run", d.MainLog, StringComparison.Ordinal);
    }
}
