using Exim.Host.Delivery;
using Exim.Mail.Spool;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// <c>exim -q[q][i][f[f]][l][G&lt;name&gt;] [start-id [stop-id]]</c>: one run over the default queue or the named one, then
/// exit. <c>-q</c> respects retry times and skips frozen messages; <c>f</c> ignores retry times, <c>ff</c> also thaws;
/// <c>i</c> takes only messages never tried; <c>l</c> delivers locally only; <c>q</c> runs in two stages. The optional ids
/// limit the run to messages whose ids sort between them, as Exim's do; <c>-R</c> / <c>-S</c> to messages with a matching
/// recipient or sender (<see cref="Mail.Delivery.QueueSelection"/>).
/// </summary>
internal static class QueueRunCommand
{
    public static async Task<int> RunAsync(CommandLine cl, TextWriter error)
    {
        if (cl.Arguments.Length > 2)
        {
            await error.WriteLineAsync("exim: a queue run takes at most a start and a stop message id").ConfigureAwait(false);
            return 1;
        }
        if (cl.Arguments.FirstOrDefault(a => !MessageId.IsValid(a)) is { } bad)
        {
            await error.WriteLineAsync($"exim: malformed message id {bad} after -q option").ConfigureAwait(false);
            return 1;
        }
        var run = cl.QueueRuns[0];
        var phases = run.Flags.HasFlag(Abstractions.Queue.QueueRunFlags.TwoStage) ? ", 2-phase" : "";
        var description = $"running the {(run.QueueName is { } name ? $"'{name}' " : "")}queue (single queue run{phases})";
        Lifetime.ProcessInfo.Set(description);
        var (core, process) = await DeliveryProcess.StartAsync(cl.ConfigPath, cl.Debug, error).ConfigureAwait(false);
        await using (core)
        {
            if (process is null) return 1;
            // Listed in the daemon's status while it runs (Exim's runners talk to its notifier socket); no daemon is fine.
            using var registration = await Control.ProcessRegistration.TryRegisterAsync(core.Store.Current.Config.Main, description).ConfigureAwait(false);
            await using (process)
            {
                await process.QueueRunner.RunAsync(run, cl.Arguments.ElementAtOrDefault(0), cl.Arguments.ElementAtOrDefault(1),
                    cl.Selection, CancellationToken.None).ConfigureAwait(false);
            }
            await core.Store.ShutdownAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        return 0;
    }
}
