using System.Text;
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
        var router = GenerationRouting.Router(generation, GenerationRouting.Dns(generation, new HostCache(TimeProvider.System)),
            core.LoggerFactory.CreateLogger<AddressRouter>());

        // An unqualified address is qualified with qualify_recipient and shown so, as Exim's verify_address does for -bt.
        var qualify = generation.Config.Main.QualifyRecipient;
        var addresses = cl.Arguments.Select(a => a.Contains('@', StringComparison.Ordinal) ? a : $"{a}@{qualify}").ToArray();
        var exit = 0;
        var results = await router.RouteManyAsync(addresses, CancellationToken.None).ConfigureAwait(false);
        for (var i = 0; i < results.Length; i++)
        {
            var (address, result) = (addresses[i], results[i]);
            switch (result.Outcome)
            {
                case RouteOutcome.Accepted:
                    await output.WriteAsync(Format(result.Address ?? address, result)).ConfigureAwait(false);
                    break;
                case RouteOutcome.Deferred:
                    await output.WriteLineAsync($"{address} cannot be resolved at this time: {result.Message ?? "unknown error"}{Ancestors(result)}").ConfigureAwait(false);
                    exit = Math.Max(exit, 1);
                    break;
                default:
                    await output.WriteLineAsync($"{address} is undeliverable: {result.Message ?? "Unrouteable address"}{Ancestors(result)}").ConfigureAwait(false);
                    exit = 2;
                    break;
            }
        }
        await core.Store.ShutdownAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        return exit;
    }

    /// <summary>The ancestors of a failed or deferred child, but not the address given, which the line starts with.</summary>
    private static string Ancestors(RouteResult result)
        => string.Concat(result.Parents.Take(result.Parents.Length - 1).Select(p => $"\n    <-- {p}"));

    /// <summary>
    /// verify.c's printing: names padded to the longest, <c>[address]</c> padded to the longest address. Exim 4.96
    /// marks DNSSEC-verified hosts (<c> AD</c>) only inside its own test harness, so a host's
    /// <see cref="Exim.Mail.Resolution.HostItem.Dnssec"/> is not printed here either.
    /// </summary>
    internal static string Format(string address, RouteResult result)
    {
        var sb = new StringBuilder();
        sb.Append(address).Append('\n');
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
