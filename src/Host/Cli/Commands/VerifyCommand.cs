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
/// what Exim 4.96's verify_address prints for an admin: <c>&lt;address&gt; verified</c>, <c>&lt;address&gt; failed to verify:
/// &lt;message&gt;</c> or <c>&lt;address&gt; cannot be resolved at this time: &lt;message&gt;</c>. An unqualified address is
/// qualified (qualify_recipient, or qualify_domain for senders) and shown so. Exit 2 if any failed, else 1 if any
/// deferred, else 0.
/// </summary>
internal static class VerifyCommand
{
    public static async Task<int> RunAsync(CommandLine cl, TextWriter output, TextWriter error)
    {
        var senders = cl.Mode == Mode.VerifySender;
        if (cl.Arguments.IsEmpty)
        {
            await error.WriteLineAsync($"exim: no addresses given for {(senders ? "-bvs" : "-bv")}").ConfigureAwait(false);
            return 1;
        }
        await using var core = Core.Create(cl.ConfigPath, cl.Debug, logRouting: LogRouting.AddressTesting, quietLifecycle: true);
        var started = await core.Reloader.StartAsync().ConfigureAwait(false);
        if (started.Status != ReloadStatus.Published) return ConfigErrors.Print(started.Errors, error);
        var generation = core.Store.Current;
        var verifier = GenerationRouting.Verifier(generation, GenerationRouting.Dns(generation, new HostCache(TimeProvider.System)),
            core.LoggerFactory.CreateLogger<AddressRouter>());

        var main = generation.Config.Main;
        var exit = 0;
        foreach (var given in cl.Arguments)
        {
            var address = given.Contains('@', StringComparison.Ordinal) ? given : $"{given}@{(senders ? main.QualifyDomain : main.QualifyRecipient)}";
            var result = senders
                ? await verifier.VerifySenderAsync(address, CancellationToken.None).ConfigureAwait(false)
                : await verifier.VerifyRecipientAsync(address, CancellationToken.None).ConfigureAwait(false);
            var line = result.Status switch
            {
                VerifyStatus.Deliverable => $"{address} verified",
                VerifyStatus.Undeliverable => $"{address} failed to verify: {result.Message}",
                _ => $"{address} cannot be resolved at this time: {result.Message ?? "unknown error"}",
            };
            await output.WriteLineAsync(line).ConfigureAwait(false);
            exit = result.Status switch
            {
                VerifyStatus.Undeliverable => 2,
                VerifyStatus.Deferred when exit == 0 => 1,
                _ => exit,
            };
        }
        await core.Store.ShutdownAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        return exit;
    }
}
