using System.Net;

namespace Exim.Mail.Resolution;

/// <summary>
/// One host in a host list, as Exim's host_item: its name, one address (a host with several addresses appears once
/// per address), its MX preference (-1 when not from MX; the priority for SRV), its port when SRV gave one, and whether
/// it can be used.
/// </summary>
internal sealed record HostItem(string Name, IPAddress? Address, int Mx, HostStatus Status = HostStatus.Usable, string? Why = null, int? Port = null)
{
    public bool Usable => Status == HostStatus.Usable && Address is not null;
}
