using System.Net;

namespace Exim.Mail.Resolution;

/// <summary>
/// One host in a host list, as Exim's host_item: its name, one address (a host with several addresses appears once
/// per address), its MX preference (-1 when not from MX; the priority for SRV), its port when SRV gave one, whether
/// it can be used, and whether its records were DNSSEC-secured.
/// </summary>
internal sealed record HostItem(string Name, IPAddress? Address, int Mx, HostStatus Status = HostStatus.Usable, string? Why = null, int? Port = null,
    DnssecStatus Dnssec = DnssecStatus.Unknown)
{
    public bool Usable => Status == HostStatus.Usable && Address is not null;
}
