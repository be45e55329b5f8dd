using System.Collections.Immutable;
using System.Net.NetworkInformation;
using Exim.Abstractions.Interfaces;

namespace Exim.Plugins.InterfaceScanner;

/// <summary>
/// Every unicast address of every interface that is not down (Linux reports loopback as "Unknown", not "Up",
/// so only Down-like states are excluded), loopback included, as Exim's host_find_interfaces does with getifaddrs.
/// </summary>
internal sealed class OsInterfaceScanner : IInterfaceScanner
{
    public ValueTask<ImmutableArray<LocalAddress>> ScanAsync(CancellationToken cancellationToken)
    {
        var result = ImmutableArray.CreateBuilder<LocalAddress>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus is OperationalStatus.Down or OperationalStatus.NotPresent or OperationalStatus.LowerLayerDown) continue;
            var loopback = nic.NetworkInterfaceType == NetworkInterfaceType.Loopback;
            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                result.Add(new LocalAddress(nic.Name, unicast.Address, loopback));
            }
        }
        return ValueTask.FromResult(result.ToImmutable());
    }
}
