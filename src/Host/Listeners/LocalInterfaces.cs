using System.Collections.Immutable;
using System.Net;
using Exim.Abstractions.Config;
using Exim.Abstractions.Interfaces;

namespace Exim.Host.Listeners;

/// <summary>
/// What "this host" means (spec §3): local_interfaces (or -oX) followed by extra_local_interfaces, ports ignored,
/// each wildcard replaced by every address of that family the interface scanner reports, duplicates removed.
/// </summary>
internal static class LocalInterfaces
{
    public static async Task<ImmutableArray<IPAddress>> BuildAsync(MainOptions main, string? listenOverride, IInterfaceScanner? scanner, CancellationToken cancellationToken)
    {
        var specs = ListenConfig.Resolve(main with { DaemonSmtpPorts = ["0"] }, listenOverride, out _);
        var items = specs.Select(s => s.Address).ToList();
        foreach (var extra in main.ExtraLocalInterfaces)
        {
            if (ListenConfig.TrySplit(extra, out var address, out _) && !(main.DisableIpv6 && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)) items.Add(address);
        }
        ImmutableArray<LocalAddress> scanned = [];
        if (scanner is not null && items.Any(a => a.Equals(IPAddress.Any) || a.Equals(IPAddress.IPv6Any)))
        {
            scanned = await scanner.ScanAsync(cancellationToken).ConfigureAwait(false);
        }
        var result = new List<IPAddress>();
        foreach (var item in items)
        {
            if (item.Equals(IPAddress.Any) || item.Equals(IPAddress.IPv6Any))
            {
                result.AddRange(scanned.Where(s => s.Address.AddressFamily == item.AddressFamily).Select(s => s.Address));
            }
            else
            {
                result.Add(item);
            }
        }
        return [.. result.Distinct()];
    }
}
