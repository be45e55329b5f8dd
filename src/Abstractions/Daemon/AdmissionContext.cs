using System.Net;
using Exim.Abstractions.Matching;

namespace Exim.Abstractions.Daemon;

/// <summary>
/// One accepted connection on its way through the admission chain (<see cref="IAdmissionStep"/>), before the banner.
/// The same chain serves the daemon and <c>exim -bh</c>.
/// </summary>
public abstract class AdmissionContext
{
    /// <summary>The client's address and port.</summary>
    public abstract IPEndPoint Remote { get; }

    /// <summary>The local address and port the client connected to.</summary>
    public abstract IPEndPoint Local { get; }

    /// <summary>The client's address, an IPv4-mapped IPv6 address given as IPv4.</summary>
    public IPAddress Client => Remote.Address.IsIPv4MappedToIPv6 ? Remote.Address.MapToIPv4() : Remote.Address;

    /// <summary>The sessions running (owned by the core; it survives reloads).</summary>
    public abstract ISlotTable Slots { get; }

    /// <summary>The system load average.</summary>
    public abstract ISystemLoad Load { get; }

    /// <summary>
    /// The connection's name lookups (the client's reverse lookup, forward lookups of names in host lists), shared by
    /// every step and the session so the client is looked up at most once; null when no resolver is loaded.
    /// </summary>
    public abstract IHostNameLookups? HostNames { get; }

    /// <summary>Cancelled when the daemon stops and its drain time is over.</summary>
    public abstract CancellationToken ShutdownToken { get; }

    /// <summary>
    /// The connection's slot. A step that decides the limits opens it (<see cref="ISlotTable.Open"/>) together with its
    /// count check, under a lock on <see cref="Slots"/>; if no step does, the core opens one. The core completes and
    /// frees it when the connection ends.
    /// </summary>
    public ISlotHandle? Slot { get; set; }

    /// <summary>Why the connection's messages must only be queued (e.g. smtp_accept_queue), or null to deliver them at once.</summary>
    public string? QueueOnly { get; set; }

    /// <summary>Refuses the connection: sends <paramref name="reply"/> (one line, without its line end) and closes it.</summary>
    /// <param name="reply">The whole reply line, e.g. <c>421 Too many concurrent SMTP connections; please try again later.</c></param>
    public abstract Task RefuseAsync(string reply);
}
