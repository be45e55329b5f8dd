using Exim.Host.Delivery;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// <c>exim -q</c>, <c>-qf</c>, <c>-qff</c>: one queue run over every message, then exit. <c>-q</c> respects retry
/// times and skips frozen messages; <c>-qf</c> ignores retry times; <c>-qff</c> also thaws frozen messages.
/// </summary>
internal static class QueueRunCommand
{
    public static async Task<int> RunAsync(CommandLine cl, TextWriter error)
    {
        var (core, process) = await DeliveryProcess.StartAsync(cl.ConfigPath, cl.Debug, error).ConfigureAwait(false);
        await using (core)
        {
            if (process is null) return 1;
            await using (process)
            {
                await process.QueueRunner.RunAsync(cl.QueueRuns[0].Flags, CancellationToken.None).ConfigureAwait(false);
            }
            await core.Store.ShutdownAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        return 0;
    }
}
