using System.Text.RegularExpressions;
using Exim.Host.Tests.Delivery;
using Exim.TestKit;

namespace Exim.Host.Tests.Log;

/// <summary>The daemon and queue runner processes write one main log at once; no line may be lost or split.</summary>
public sealed partial class ConcurrentLogWritersTests
{
    [Fact]
    public async Task MainLog_DaemonReceivingWhileThreeRunnersDeliver_HasEveryLineOnceAndWhole()
    {
        const int messages = 120, connections = 4, runners = 3;
        await using var daemon = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("queue_only = true\n" + DeliveryFixture.LocalDelivery));

        using var done = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var sending = Task.WhenAll(Enumerable.Range(0, connections).Select(c => Task.Run(async () =>
        {
            await using var client = await SmtpTestClient.ConnectAsync(daemon.Port);
            await client.ReadReplyAsync();
            await client.CommandAsync("EHLO client.test");
            for (var i = c; i < messages; i += connections)
            {
                var reply = await client.SendMessageAsync("sender@client.test", $"user{i % 5}@test.example", $"Subject: {i}\n\nmessage {i}");
                Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
            }
            await client.CommandAsync("QUIT");
        })));
        // Runner processes delivering while the daemon is still receiving and logging.
        var delivering = Task.WhenAll(Enumerable.Range(0, runners).Select(_ => Task.Run(async () =>
        {
            for (var run = 0; run < 200 && !done.IsCancellationRequested; run++)
            {
                var (exit, _, stderr) = await EximProcess.RunAsync(daemon.Directory.Path, "-C", daemon.ConfigPath, "-qf");
                Assert.True(exit == 0, stderr);
                if (sending.IsCompleted && daemon.CountLog(" Completed") >= messages) return;
            }
        })));
        await sending.WaitAsync(TestTimeouts.Startup);
        await delivering.WaitAsync(TimeSpan.FromSeconds(120));

        var lines = daemon.MainLog.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var mangled = lines.Where(l => !LogLine().IsMatch(l)).ToList();
        Assert.True(mangled.Count == 0, "mangled lines:\n" + string.Join('\n', mangled.Take(10)));
        Assert.Equal(messages, lines.Count(l => l.Contains(" <= sender@client.test ", StringComparison.Ordinal)));
        Assert.Equal(messages, lines.Count(l => l.Contains(" => user", StringComparison.Ordinal)));
        Assert.Equal(messages, lines.Count(l => l.EndsWith(" Completed", StringComparison.Ordinal)));
        var starts = lines.Count(l => l.Contains("Start queue run: pid=", StringComparison.Ordinal));
        Assert.True(starts >= runners, $"{starts} runs");
        Assert.Equal(starts, lines.Count(l => l.Contains("End queue run: pid=", StringComparison.Ordinal)));
    }

    /// <summary>A whole Exim log line: timestamp, then text without another timestamp glued into it.</summary>
    [GeneratedRegex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (?!.*\d{4}-\d\d-\d\d \d\d:\d\d:\d\d )")]
    private static partial Regex LogLine();
}
