using Exim.TestKit;

namespace Exim.Host.Tests.Delivery;

public sealed partial class QueueRunnerTests
{
    /// <summary>
    /// queue_run_parallel: one queue run has several messages in delivery at once (over connections of its own), so the
    /// sink sees two ends of DATA waiting together; with 1 it sees them one after another, in queue order.
    /// </summary>
    [Theory]
    [InlineData(2, 2)]
    [InlineData(1, 1)]
    public async Task QueueRunParallel_DeliversThatManyMessagesAtOnce(int parallel, int expected)
    {
        var (waiting, most) = (0, 0);
        var answers = ScriptedSmtpServer.Answers();
        await using var sink = new ScriptedSmtpServer(command =>
        {
            if (command != ".") return answers(command);
            var now = Interlocked.Increment(ref waiting);
            InterlockedMax(ref most, now);
            // Hold this message's end of DATA until a second one is waiting too (or a while has passed).
            Wait.UntilAsync(() => Volatile.Read(ref waiting) >= 2, TimeSpan.FromSeconds(parallel == 1 ? 0.3 : 3)).GetAwaiter().GetResult();
            Interlocked.Decrement(ref waiting);
            return answers(command);
        });
        await using var d = await TestDaemon.StartAsync(Config($"queue_run_parallel = {parallel}", sink.Port));
        foreach (var to in new[] { "a@stall.example", "b@stall.example" }) Assert.Equal(0, (await SendAsync(d, to)).Item1);

        var (code, output, errors) = await EximProcess.RunAsync(d.Directory.Path, "-C", d.ConfigPath, "-qf");

        Assert.True(code == 0, output + errors + d.MainLog);
        Assert.Equal(2, d.CountLog(" Completed"));
        Assert.Equal(expected, Volatile.Read(ref most));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
