using Exim.Host.Delivery;
using Exim.Mail.Delivery;
using Exim.Mail.Spool;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// <c>exim -M &lt;id&gt;...</c>: a delivery attempt for each message now, ignoring retry times and thawing frozen
/// messages, as Exim's -M does. A message another process is delivering is reported and left alone. Exit 1 when any
/// id was not a message or was locked. With <c>-qG&lt;name&gt;</c> the messages are looked for in that named queue.
/// <c>exim -Mg &lt;id&gt;...</c> (give up) runs the same forced, thawing attempt with deliver.c's give_up: logged
/// <c>cancelled by &lt;user&gt;</c>, every recipient not yet done fails with <c>delivery cancelled by administrator</c> into a
/// bounce to the sender, and the message completes.
/// </summary>
internal static class DeliverMessagesCommand
{
    public static async Task<int> RunAsync(CommandLine cl, TextWriter output, TextWriter error)
    {
        var option = cl.Mode == Mode.GiveUpMessages ? "-Mg" : "-M";
        if (cl.Arguments.IsEmpty)
        {
            await error.WriteLineAsync($"exim: no message ids given after {option} option").ConfigureAwait(false);
            return 1;
        }
        var how = cl.Mode == Mode.GiveUpMessages ? DeliveryOptions.Manual with { GiveUp = Security.CallerIdentity.Invoker.UserName } : DeliveryOptions.Manual;
        Lifetime.ProcessInfo.Set("delivering specified messages");
        var (core, process) = await DeliveryProcess.StartAsync(cl.ConfigPath, cl.Debug, error).ConfigureAwait(false);
        var exit = 0;
        await using (core)
        {
            if (process is null) return 1;
            using var registration = await Control.ProcessRegistration.TryRegisterAsync(core.Store.Current.Config.Main,
                $"delivering {string.Join(' ', cl.Arguments.Take(5))}{(cl.Arguments.Length > 5 ? " ..." : "")}").ConfigureAwait(false);
            await using (process)
            {
                foreach (var id in cl.Arguments)
                {
                    if (!MessageId.IsValid(id))
                    {
                        await error.WriteLineAsync($"exim: malformed message id {id} after {option} option").ConfigureAwait(false);
                        exit = 1;
                        continue;
                    }
                    var outcome = (await process.Deliverer.DeliverAsync(new MessageRef(id, cl.QueueName), how, CancellationToken.None)
                        .ConfigureAwait(false)).Outcome;
                    if (outcome == MessageOutcome.Locked) await output.WriteLineAsync($"Spool file for {id} is locked (another process is handling this message)").ConfigureAwait(false);
                    if (outcome == MessageOutcome.NotFound) await output.WriteLineAsync($"Spool data file for {id} does not exist").ConfigureAwait(false);
                    if (outcome is MessageOutcome.Locked or MessageOutcome.NotFound) exit = 1;
                }
            }
            await core.Store.ShutdownAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        return exit;
    }
}
