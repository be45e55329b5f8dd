using Exim.Abstractions.Queue;
using Exim.Mail.Delivery;
using Exim.Mail.Spool;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// <c>exim [-qG&lt;from&gt;] -MG &lt;queue&gt; &lt;id&gt;...</c>: moves messages from the default queue (or the named queue
/// <c>from</c>) to the named queue <c>queue</c> (an empty name: the default queue), under the message lock, so a runner of
/// that queue picks them up. Prints <c>Message &lt;id&gt; has been moved to …</c> and logs
/// <c>&lt;id&gt; moved from … to … by &lt;user&gt;</c>. Exit 1 when any message could not be moved.
/// </summary>
internal static class MoveMessagesCommand
{
    public static async Task<int> RunAsync(CommandLine cl, TextWriter output, TextWriter error)
    {
        if (cl.Arguments.Length < 2)
        {
            await error.WriteLineAsync("exim: -MG needs a queue name and at least one message id").ConfigureAwait(false);
            return 1;
        }
        var to = cl.Arguments[0].Length == 0 ? null : cl.Arguments[0];
        if (to is not null && !QueueNames.IsValid(to, out var why))
        {
            await error.WriteLineAsync($"exim: {why}: {to}").ConfigureAwait(false);
            return 1;
        }
        if (to == cl.QueueName)
        {
            await error.WriteLineAsync($"exim: the messages are already in {Name(to)}").ConfigureAwait(false);
            return 1;
        }
        if (SpoolCommandContext.Open(cl, error) is not { } context) return 1;
        await using var _ = context;
        var (main, logger) = (context.Main, context.Logger);
        var exit = 0;
        foreach (var id in cl.Arguments.Skip(1))
        {
            LockAttempt attempt;
            string? leftover = null;
            try
            {
                attempt = MessageId.IsValid(id) ? QueueMove.Move(main.SpoolDirectory, id, cl.QueueName, to, main.SplitSpoolDirectory, out leftover) : LockAttempt.NotFound;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await output.WriteLineAsync($"Message {id} could not be moved: {e.Message}").ConfigureAwait(false);
                exit = 1;
                continue;
            }
            var line = attempt switch
            {
                LockAttempt.Acquired => $"Message {id} has been moved to {Name(to)}",
                LockAttempt.Locked => $"Message {id} is locked",
                _ => $"Spool data file for {id} does not exist",
            };
            await output.WriteLineAsync(line).ConfigureAwait(false);
            if (leftover is not null) await error.WriteLineAsync($"exim: {id} moved, but could not remove {leftover}").ConfigureAwait(false);
            if (attempt == LockAttempt.Acquired) DeliveryLog.Moved(logger, id, Name(cl.QueueName), Name(to), Security.CallerIdentity.Invoker.UserName);
            else exit = 1;
        }
        return exit;
    }

    private static string Name(string? queue) => queue is null ? "the default queue" : $"queue '{queue}'";
}
