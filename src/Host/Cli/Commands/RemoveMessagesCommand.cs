using Exim.Mail.Delivery;
using Exim.Mail.Native;
using Exim.Mail.Spool;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// <c>exim -Mrm &lt;id&gt;...</c>: removes messages without delivering them, under the message lock (a message being
/// delivered is left alone) with its message log, printing Exim's <c>Message &lt;id&gt; has been removed</c> and logging
/// <c>&lt;id&gt; removed by &lt;user&gt;</c> and <c>&lt;id&gt; Completed</c>. A user who is not an admin user may remove only
/// messages they sent (the uid on the -H file's second line), as Exim's queue_action allows; others get <c>Permission denied</c>. Exit 1 when any message could not be removed. With <c>-qG&lt;name&gt;</c> the
/// messages are looked for in that named queue.
/// </summary>
internal static class RemoveMessagesCommand
{
    public static async Task<int> RunAsync(CommandLine cl, TextWriter output, TextWriter error)
    {
        if (SpoolCommandContext.Open(cl, error) is not { } context) return 1;
        await using var _ = context;
        var (logger, main) = (context.Logger, context.Main);
        var exit = 0;
        foreach (var id in cl.Arguments)
        {
            MessageLock? held = null;
            var attempt = MessageId.IsValid(id) ? MessageLock.TryAcquire(main.SpoolDirectory, cl.QueueName, id, main.SplitSpoolDirectory, out held) : LockAttempt.NotFound;
            if (attempt == LockAttempt.Locked)
            {
                await output.WriteLineAsync($"Message {id} is locked").ConfigureAwait(false);
                exit = 1;
                continue;
            }
            if (attempt == LockAttempt.NotFound)
            {
                await output.WriteLineAsync($"Message {id} has been removed or did not exist").ConfigureAwait(false);
                exit = 1;
                continue;
            }
            using (held)
            {
                var input = held!.InputDirectory;
                if (!context.IsAdmin && OriginatorUid(Path.Combine(input, id + "-H")) != Posix.RealUid)
                {
                    await output.WriteLineAsync("Permission denied").ConfigureAwait(false); // queue_action: only its sender may
                    exit = 1;
                    continue;
                }
                File.Delete(MessageLog.PathOf(input, id));
                File.Delete(Path.Combine(input, id + "-H"));
                File.Delete(Path.Combine(input, id + "-D"));
                Posix.FsyncDirectory(input);
            }
            DeliveryLog.Removed(logger, id, Security.CallerIdentity.Invoker.UserName);
            DeliveryLog.Completed(logger, id); // queue.c's MSG_REMOVE: "removed by <user>", then "Completed"
            await output.WriteLineAsync($"Message {id} has been removed").ConfigureAwait(false);
        }
        return exit;
    }

    /// <summary>The uid of the -H file's <c>login uid gid</c> line; null when it cannot be read.</summary>
    private static int? OriginatorUid(string headerPath)
    {
        try
        {
            using var reader = new StreamReader(headerPath, System.Text.Encoding.Latin1);
            _ = reader.ReadLine();
            var fields = reader.ReadLine()?.Split(' ');
            return fields is { Length: 3 } && int.TryParse(fields[1], System.Globalization.CultureInfo.InvariantCulture, out var uid) ? uid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
