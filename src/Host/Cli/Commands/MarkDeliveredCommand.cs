using System.Collections.Immutable;
using Exim.Mail.Delivery;
using Exim.Mail.Spool;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// <c>exim -Mmad &lt;id&gt;...</c> and <c>exim -Mmd &lt;id&gt; &lt;address&gt;...</c>: mark all, or the named, recipients delivered as
/// Exim's queue_action does: under the message lock the addresses join the -H file's non-recipients tree (rewritten
/// atomically), <c>Message &lt;id&gt; has been modified</c> is printed and <c>&lt;id&gt; address &lt;a&gt; marked delivered by
/// &lt;user&gt;</c> logged for each. The message stays on the spool: the next delivery attempt finds nothing left to deliver
/// and logs <c>Completed</c>. With -Mmd an address that is not a recipient leaves the message unchanged
/// (<c>- error while marking as delivered: ... is not a recipient: message not updated</c>); IMPROVE: Exim logs the
/// valid addresses of such a command although it does not write them, we log only what was written.
/// </summary>
internal static class MarkDeliveredCommand
{
    private const string Doing = "marking as delivered";

    public static async Task<int> RunAsync(CommandLine cl, bool all, TextWriter output, TextWriter error)
    {
        // -Mmd takes one id and the addresses after it (exim.c's one_msg_action); -Mmad takes ids only.
        var ids = all || cl.Arguments.IsEmpty ? cl.Arguments : cl.Arguments[..1];
        if (!await LockedMessage.CheckIdsAsync(ids, all ? "-Mmad" : "-Mmd", error).ConfigureAwait(false)) return 1;
        if (SpoolCommandContext.Open(cl, error) is not { } context) return 1;
        await using var _ = context;
        var input = SpoolPaths.Input(context.Main.SpoolDirectory, cl.QueueName);
        var user = Environment.UserName;
        var exit = 0;
        foreach (var id in ids)
        {
            var (text, marked) = Apply(input, id, all ? null : cl.Arguments[1..]);
            await output.WriteAsync(text).ConfigureAwait(false);
            if (marked.IsDefault)
            {
                exit = 1;
                continue;
            }
            foreach (var address in marked) DeliveryLog.MarkedDelivered(context.Logger, id, address, user);
        }
        return exit;
    }

    /// <summary>
    /// Marks the addresses (all recipients when null) delivered in one message under its lock: the text to print and the
    /// addresses written to the spool (default when the message was not changed).
    /// </summary>
    private static (string Text, ImmutableArray<string> Marked) Apply(string input, string id, ImmutableArray<string>? addresses)
    {
        using var held = LockedMessage.Open(input, id, out var header, out var failure);
        if (held is null) return (failure! + "\n", default);
        var prefix = $"Message {id} ";
        ImmutableArray<string> marked;
        if (addresses is not { } named) marked = header!.Recipients;
        else if (named.IsEmpty) return (prefix + $"- error while {Doing}: no address given\n", default);
        else
        {
            var errors = new System.Text.StringBuilder();
            foreach (var argument in named)
            {
                var address = Unbracket(argument);
                if (!address.Contains('@', StringComparison.Ordinal) && address.Length > 0)
                {
                    errors.Append($"- error while {Doing}:\n  bad address {argument}: domain missing\n");
                }
                else if (!header!.Recipients.Contains(address, StringComparer.Ordinal))
                {
                    errors.Append($"- error while {Doing}:\n  {address} is not a recipient: message not updated\n");
                }
            }
            if (errors.Length > 0) return (prefix + errors, default);
            marked = [.. named.Select(Unbracket)];
        }
        try
        {
            SpoolHeaderFile.Rewrite(input, header! with { NonRecipients = header.NonRecipients.Union(marked) });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (prefix + (addresses is null ? $"- could not mark all delivered: {e.Message}\n" : $"- while {Doing}: {e.Message}\n"), default);
        }
        return (prefix + "has been modified\n", marked);
    }

    /// <summary>The address inside an optional pair of angle brackets, as parse_extract_address takes it.</summary>
    private static string Unbracket(string argument)
    {
        var a = argument.Trim();
        return a.Length >= 2 && a[0] == '<' && a[^1] == '>' ? a[1..^1].Trim() : a;
    }
}
