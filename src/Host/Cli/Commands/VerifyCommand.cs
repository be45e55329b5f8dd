using Exim.Abstractions.Policy;
using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.Host.Log;
using Exim.Mail.Resolution;
using Exim.Mail.Routing;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// <c>exim -bv &lt;address&gt;...</c> (recipients) and <c>exim -bvs &lt;address&gt;...</c> (senders): verifies each address as
/// an SMTP session's <c>Verify.Recipient</c> / <c>Verify.Sender</c> would (the same verifier, the same routers), and prints
/// what Exim 4.96's verify_address prints: <c>&lt;address&gt; verified</c>, <c>&lt;address&gt; failed to verify:
/// &lt;message&gt;</c> or <c>&lt;address&gt; cannot be resolved at this time: &lt;message&gt;</c>, the reason shown to admin users
/// only. As exim.c's test_address: an argument may hold a comma-separated list, an address may be given as
/// <c>Name &lt;address&gt;</c> or <c>&lt;address&gt;</c>, and with no arguments the addresses are read from stdin, one a line;
/// an empty one is a <c>syntax error: empty address</c>. An unqualified address is qualified (qualify_recipient, or
/// qualify_domain for senders) and shown so. Exit 2 if any failed, else 1 if any deferred, else 0.
/// </summary>
internal static class VerifyCommand
{
    public static async Task<int> RunAsync(CommandLine cl, TextReader input, TextWriter output, TextWriter error)
    {
        var senders = cl.Mode == Mode.VerifySender;
        await using var core = Core.Create(cl.ConfigPath, cl.Debug, logRouting: LogRouting.AddressTesting, quietLifecycle: true);
        var started = await core.Reloader.StartAsync().ConfigureAwait(false);
        if (started.Status != ReloadStatus.Published) return ConfigErrors.Print(started.Errors, error);
        var generation = core.Store.Current;
        if (AdminGate.IsAdmin(generation.Loaded, error) is not { } admin) return 1;
        var verifier = GenerationRouting.Verifier(generation, core.LoggerFactory.CreateLogger<AddressRouter>());

        var main = generation.Config.Main;
        var exit = 0;
        async Task VerifyAsync(string given)
        {
            var extracted = Extract(given);
            if (extracted.Length == 0)
            {
                await output.WriteLineAsync("syntax error: empty address").ConfigureAwait(false);
                exit = 2;
                return;
            }
            var address = extracted.Contains('@', StringComparison.Ordinal) ? extracted : $"{extracted}@{(senders ? main.QualifyDomain : main.QualifyRecipient)}";
            var result = senders
                ? await verifier.VerifySenderAsync(address, CancellationToken.None).ConfigureAwait(false)
                : await verifier.VerifyRecipientAsync(address, CancellationToken.None).ConfigureAwait(false);
            var line = result.Status switch
            {
                VerifyStatus.Deliverable => $"{address} verified",
                VerifyStatus.Undeliverable => $"{address} failed to verify" + (admin ? $": {result.Message}" : ""),
                _ => $"{address} cannot be resolved at this time" + (admin ? $": {result.Message ?? "unknown error"}" : ""),
            };
            await output.WriteLineAsync(line).ConfigureAwait(false);
            exit = result.Status switch
            {
                VerifyStatus.Undeliverable => 2,
                VerifyStatus.Deferred when exit == 0 => 1,
                _ => exit,
            };
        }

        if (cl.Arguments.IsEmpty)
        {
            while (await input.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                await VerifyAsync(line).ConfigureAwait(false);
            }
        }
        foreach (var argument in cl.Arguments)
        {
            foreach (var item in SplitList(argument)) await VerifyAsync(item).ConfigureAwait(false);
        }
        await core.Store.ShutdownAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        return exit;
    }

    /// <summary>
    /// An argument's addresses (parse_find_address_end): split at commas outside quotes, angle brackets and comments, the
    /// space after each comma skipped.
    /// </summary>
    internal static List<string> SplitList(string argument)
    {
        var items = new List<string>();
        var (depth, quoted, start) = (0, false, 0);
        for (var i = 0; i < argument.Length; i++)
        {
            var c = argument[i];
            if (c == '\\' && quoted) i++;
            else if (c == '"') quoted = !quoted;
            else if (!quoted && c is '<' or '(') depth++;
            else if (!quoted && c is '>' or ')' && depth > 0) depth--;
            else if (!quoted && depth == 0 && c == ',')
            {
                items.Add(argument[start..i]);
                while (i + 1 < argument.Length && (argument[i + 1] == ',' || char.IsWhiteSpace(argument[i + 1]))) i++;
                start = i + 1;
            }
        }
        if (start < argument.Length || items.Count == 0) items.Add(argument[start..]);
        return items;
    }

    /// <summary>The address in <c>Name &lt;address&gt;</c> or <c>&lt;address&gt;</c>, else the text itself, trimmed.</summary>
    internal static string Extract(string text)
    {
        var trimmed = text.Trim();
        var open = trimmed.LastIndexOf('<');
        return open >= 0 && trimmed.EndsWith('>') ? trimmed[(open + 1)..^1].Trim() : trimmed;
    }
}
