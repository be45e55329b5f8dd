using Exim.Mail.Delivery;
using Exim.Mail.Spool;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// <c>exim -Mf &lt;id&gt;...</c> and <c>exim -Mt &lt;id&gt;...</c>: freeze or thaw messages as Exim's queue_action does, each
/// under the message lock with its -H file rewritten atomically (temporary file, fsync, rename). Freezing writes
/// <c>-frozen &lt;time&gt;</c> and drops <c>-manual_thaw</c>; thawing drops <c>-frozen</c> and writes <c>-manual_thaw</c>.
/// Prints <c>Message &lt;id&gt; is now frozen</c> / <c>is no longer frozen</c> (or <c>is already frozen</c> / <c>is not
/// frozen</c>) and logs <c>&lt;id&gt; frozen by &lt;user&gt;</c> / <c>&lt;id&gt; unfrozen by &lt;user&gt;</c>. Exit 1 when any
/// message was not changed.
/// </summary>
internal static class FreezeMessagesCommand
{
    /// <summary>Exim's option line for a message thawed by hand (spool_write_header's <c>-manual_thaw</c>).</summary>
    internal const string ManualThawOption = "-manual_thaw";

    public static async Task<int> RunAsync(CommandLine cl, bool freeze, TextWriter output, TextWriter error)
    {
        var option = freeze ? "-Mf" : "-Mt";
        if (!await LockedMessage.CheckIdsAsync(cl.Arguments, option, error).ConfigureAwait(false)) return 1;
        if (SpoolCommandContext.Open(cl, error) is not { } context) return 1;
        await using var _ = context;
        var exit = 0;
        foreach (var id in cl.Arguments)
        {
            var (line, changed) = Apply(context.Main, cl.QueueName, id, freeze, context.IsAdmin);
            await output.WriteLineAsync(line).ConfigureAwait(false);
            if (!changed)
            {
                exit = 1;
                continue;
            }
            if (freeze) DeliveryLog.FrozenBy(context.Logger, id, Security.CallerIdentity.Invoker.UserName);
            else DeliveryLog.UnfrozenBy(context.Logger, id, Security.CallerIdentity.Invoker.UserName);
        }
        return exit;
    }

    /// <summary>Freezes or thaws one message under its lock; the line to print and whether the -H file was changed.</summary>
    private static (string Line, bool Changed) Apply(Exim.Abstractions.Config.MainOptions main, string? queue, string id, bool freeze, bool admin)
    {
        using var held = LockedMessage.Open(main, queue, id, admin, out var header, out var failure);
        if (held is null) return (failure!, false);
        if (header!.Frozen == freeze) return ($"Message {id} {(freeze ? "is already frozen" : "is not frozen")}", false);
        var options = header.Options.Remove(ManualThawOption);
        header = freeze
            ? header with { FrozenAt = DateTimeOffset.UtcNow, Options = options }
            : header with { FrozenAt = null, Options = options.Add(ManualThawOption) };
        try
        {
            SpoolHeaderFile.Rewrite(held.InputDirectory, header);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ($"Message {id} could not be {(freeze ? "frozen" : "unfrozen")}: {e.Message}", false);
        }
        return ($"Message {id} {(freeze ? "is now frozen" : "is no longer frozen")}", true);
    }
}
