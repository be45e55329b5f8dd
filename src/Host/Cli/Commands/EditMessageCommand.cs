using System.Collections.Immutable;
using System.Text;
using Exim.Mail.Delivery;
using Exim.Mail.Spool;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// Exim's queue_action edits of a message's envelope, each under the message lock with the -H file rewritten atomically,
/// printing <c>Message &lt;id&gt; has been modified</c> and logging each change by the user running the command:
/// <list type="bullet">
/// <item><c>-Mmad &lt;id&gt;...</c>: every recipient joins the non-recipients tree (<c>&lt;id&gt; address &lt;a&gt; marked delivered by &lt;user&gt;</c>);</item>
/// <item><c>-Mmd &lt;id&gt; &lt;address&gt;...</c>: the named recipients do (<c>... is not a recipient: message not updated</c> otherwise);</item>
/// <item><c>-Mar &lt;id&gt; &lt;address&gt;...</c>: recipients are added (<c>&lt;id&gt; recipient &lt;a&gt; added by &lt;user&gt;</c>);</item>
/// <item><c>-Mes &lt;id&gt; &lt;address&gt;</c>: the sender is replaced, <c>&lt;&gt;</c> allowed (<c>&lt;id&gt; sender address changed to &lt;a&gt; by &lt;user&gt;</c>).</item>
/// </list>
/// Addresses may be in angle brackets and need a domain (<c>bad address x: domain missing</c>); any error leaves the
/// message unchanged (exit 1). A message marked delivered stays on the spool: the next delivery attempt finds nothing
/// left for those addresses and logs <c>Completed</c> when none remain, as Exim. IMPROVE: Exim logs the valid addresses
/// of a command that failed on another one although it does not write them; we log only what was written.
/// </summary>
internal static class EditMessageCommand
{
    public static async Task<int> RunAsync(CommandLine cl, Mode action, TextWriter output, TextWriter error)
    {
        // All but -Mmad take one id and the addresses after it (exim.c's one_msg_action).
        var all = action == Mode.MarkAllDelivered;
        var ids = all || cl.Arguments.IsEmpty ? cl.Arguments : cl.Arguments[..1];
        if (!await LockedMessage.CheckIdsAsync(ids, Option(action), error).ConfigureAwait(false)) return 1;
        if (SpoolCommandContext.Open(cl, error) is not { } context) return 1;
        await using var _ = context;
        var user = Security.CallerIdentity.Invoker.UserName;
        var exit = 0;
        foreach (var id in ids)
        {
            var (text, changed) = Apply(context.Main, cl.QueueName, id, action, all ? [] : cl.Arguments[1..], context.IsAdmin);
            await output.WriteAsync(text).ConfigureAwait(false);
            if (changed.IsDefault)
            {
                exit = 1;
                continue;
            }
            foreach (var address in changed) Log(context.Logger, action, id, address, user);
        }
        return exit;
    }

    private static string Option(Mode action) => action switch
    {
        Mode.MarkAllDelivered => "-Mmad",
        Mode.MarkDelivered => "-Mmd",
        Mode.AddRecipients => "-Mar",
        _ => "-Mes",
    };

    private static void Log(ILogger logger, Mode action, string id, string address, string user)
    {
        switch (action)
        {
            case Mode.AddRecipients: DeliveryLog.RecipientAdded(logger, id, address, user); break;
            case Mode.EditSender: DeliveryLog.SenderChanged(logger, id, address, user); break;
            default: DeliveryLog.MarkedDelivered(logger, id, address, user); break;
        }
    }

    /// <summary>
    /// Applies the edit to one message under its lock: the text to print and the addresses written to the spool (default
    /// when the message was not changed).
    /// </summary>
    private static (string Text, ImmutableArray<string> Changed) Apply(Exim.Abstractions.Config.MainOptions main, string? queue, string id, Mode action,
        ImmutableArray<string> arguments, bool admin)
    {
        using var held = LockedMessage.Open(main, queue, id, admin, out var header, out var failure);
        if (held is null) return (failure! + "\n", default);
        var prefix = $"Message {id} ";
        var doing = action switch
        {
            Mode.AddRecipients => "adding recipient",
            Mode.EditSender => "editing sender",
            _ => "marking as delivered",
        };
        ImmutableArray<string> changed;
        if (action == Mode.MarkAllDelivered) changed = header!.Recipients;
        else if (action == Mode.EditSender && arguments.Length > 1) return (prefix + "- only one sender address can be specified\n", default);
        else if (arguments.IsEmpty) return (prefix + $"- error while {doing}: no address given\n", default);
        else
        {
            var errors = new StringBuilder();
            foreach (var argument in arguments)
            {
                var address = Unbracket(argument);
                if (address.Length == 0 ? action != Mode.EditSender : !address.Contains('@', StringComparison.Ordinal))
                {
                    errors.Append($"- error while {doing}:\n  bad address {argument}: domain missing\n");
                }
                else if (action == Mode.MarkDelivered && !header!.Recipients.Contains(address, StringComparer.Ordinal))
                {
                    errors.Append($"- error while {doing}:\n  {address} is not a recipient: message not updated\n");
                }
            }
            if (errors.Length > 0) return (prefix + errors, default);
            changed = [.. arguments.Select(Unbracket)];
        }
        var edited = action switch
        {
            Mode.AddRecipients => header! with { Recipients = header.Recipients.AddRange(changed) },
            Mode.EditSender => header! with { Sender = changed[0] },
            _ => header! with { NonRecipients = header.NonRecipients.Union(changed) },
        };
        try
        {
            SpoolHeaderFile.Rewrite(held.InputDirectory, edited);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (prefix + (action == Mode.MarkAllDelivered ? $"- could not mark all delivered: {e.Message}\n" : $"- while {doing}: {e.Message}\n"), default);
        }
        return (prefix + "has been modified\n", changed);
    }

    /// <summary>The address inside an optional pair of angle brackets, as parse_extract_address takes it.</summary>
    private static string Unbracket(string argument)
    {
        var a = argument.Trim();
        return a.Length >= 2 && a[0] == '<' && a[^1] == '>' ? a[1..^1].Trim() : a;
    }
}
