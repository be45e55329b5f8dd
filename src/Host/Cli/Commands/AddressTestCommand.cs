using System.Collections.Immutable;
using System.Text;
using Exim.Abstractions.Routing;
using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.Host.Log;
using Exim.Mail.Resolution;
using Exim.Mail.Routing;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// <c>exim -bt &lt;address&gt;...</c>: routes each address as a delivery would and prints what Exim 4.96 prints (spec
/// §4.1): the address, <c>  router = R, transport = T</c>, one <c>  host</c> line per address with Exim's padding,
/// <c>MX=</c> only for MX hosts and <c>** unusable **</c> for failed lookups; or "is undeliverable" / "cannot be
/// resolved at this time". Exit 2 if any address failed, 1 if any deferred, otherwise 0. A rerouted address is printed
/// as the child that was routed, followed by one <c>    &lt;-- parent</c> line per ancestor (verify.c's
/// print_address_information); a failed or deferred one by the address as given (Exim shows the child only with
/// debugging on), then its ancestors other than the one given.
/// The addresses are routed together, so <c>same_domain_copy_routing</c> applies across them (Exim's -bt verifies each
/// address on its own; the output is the same, but the hosts of one domain are looked up once).
/// </summary>
internal static class AddressTestCommand
{
    public static async Task<int> RunAsync(CommandLine cl, TextWriter output, TextWriter error)
    {
        if (cl.Arguments.IsEmpty)
        {
            await error.WriteLineAsync("exim: no addresses given for -bt").ConfigureAwait(false);
            return 1;
        }
        await using var core = Core.Create(cl.ConfigPath, cl.Debug, logRouting: LogRouting.AddressTesting, quietLifecycle: true);
        var started = await core.Reloader.StartAsync().ConfigureAwait(false);
        if (started.Status != ReloadStatus.Published) return ConfigErrors.Print(started.Errors, error);
        var generation = core.Store.Current;
        var router = GenerationRouting.Router(generation, core.LoggerFactory.CreateLogger<AddressRouter>());

        // An unqualified address is qualified with qualify_recipient and shown so, as Exim's verify_address does for -bt.
        var qualify = generation.Config.Main.QualifyRecipient;
        var addresses = cl.Arguments.Select(a => a.Contains('@', StringComparison.Ordinal) ? a : $"{a}@{qualify}").ToArray();
        var exit = 0;
        var results = await router.RouteEachAsync(addresses, CancellationToken.None).ConfigureAwait(false);
        for (var i = 0; i < results.Length; i++)
        {
            var (text, code) = Describe(addresses[i], results[i]);
            await output.WriteAsync(text).ConfigureAwait(false);
            exit = Math.Max(exit, code);
        }
        await core.Store.ShutdownAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        return exit;
    }

    /// <summary>
    /// What -bt prints for one address given and its exit code (verify.c with full information, as -bt has): each failure
    /// and deferral as routing meets it; then, unless everything was discarded (<c>mail to X is discarded</c>), every address
    /// routed, with <c>   [duplicate, would not be delivered]</c> after a duplicate and a <c>    &lt;-- parent</c> line per
    /// ancestor. A failed or deferred address that was not redirected is named as given (Exim shows the child of a reroute
    /// only with debugging on), then its ancestors other than the one given.
    /// </summary>
    internal static (string Text, int Exit) Describe(string address, ImmutableArray<RouteResult> results)
    {
        var sb = new StringBuilder();
        var exit = 0;
        foreach (var result in results.Where(r => r.Outcome is RouteOutcome.Deferred or RouteOutcome.Failed))
        {
            var redirected = result.Unique is not null || result.Kind != RedirectItemKind.Address;
            var shown = redirected ? result.Address ?? address : address;
            var parents = redirected ? result.Parents : result.Parents.SkipLast(1);
            var what = result.Outcome == RouteOutcome.Deferred
                ? $"cannot be resolved at this time: {result.Message ?? "unknown error"}"
                : $"is undeliverable: {result.Message ?? "Unrouteable address"}";
            sb.Append(shown).Append(' ').Append(what).Append(string.Concat(parents.Select(p => $"\n    <-- {p}"))).Append('\n');
            exit = Math.Max(exit, result.Outcome == RouteOutcome.Deferred ? 1 : 2);
        }
        var routed = results.Where(r => r.Outcome == RouteOutcome.Accepted).ToList();
        if (exit == 0 && routed.Count == 0)
        {
            sb.Append("mail to ").Append(address).Append(" is discarded\n");
            return (sb.ToString(), 0);
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var result in routed)
        {
            var duplicate = result.Kind == RedirectItemKind.Address && !seen.Add(result.Unique ?? AddressRouter.UniqueOf(result.Address ?? address));
            sb.Append(Format(result.Address ?? address, result, duplicate));
        }
        return (sb.ToString(), exit);
    }

    /// <summary>
    /// verify.c's printing: names padded to the longest, <c>[address]</c> padded to the longest address. Exim 4.96
    /// marks DNSSEC-verified hosts (<c> AD</c>) only inside its own test harness, so a host's
    /// <see cref="Exim.Mail.Resolution.HostItem.Dnssec"/> is not printed here either.
    /// </summary>
    internal static string Format(string address, RouteResult result, bool duplicate = false)
    {
        var sb = new StringBuilder();
        sb.Append(address).Append(duplicate ? "   [duplicate, would not be delivered]\n" : "\n");
        foreach (var parent in result.Parents) sb.Append("    <-- ").Append(parent).Append('\n');
        sb.Append("  router = ").Append(result.Router).Append(", transport = ").Append(result.Transport ?? "unset").Append('\n');
        var hosts = result.HostList;
        if (hosts.IsEmpty) return sb.ToString();
        var nameWidth = hosts.Max(h => h.Name.Length);
        var addressWidth = hosts.Max(h => h.Address?.ToString().Length ?? 7);
        foreach (var h in hosts)
        {
            var ip = h.Address?.ToString() ?? "unknown";
            sb.Append("  host ").Append(h.Name.PadRight(nameWidth)).Append(" [").Append(ip).Append(']').Append(' ', addressWidth - ip.Length);
            if (h.Mx >= 0) sb.Append(" MX=").Append(h.Mx);
            if (h.Port is { } port) sb.Append(" port=").Append(port);
            if (!h.Usable) sb.Append(" ** unusable **");
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
