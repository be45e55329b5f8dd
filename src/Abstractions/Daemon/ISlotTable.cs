using System.Net;

namespace Exim.Abstractions.Daemon;

/// <summary>
/// The daemon's sessions, owned by the core so counts survive reloads (Exim restarts them at zero). Counting is
/// O(1) per host; an IPv4-mapped IPv6 client counts as its IPv4 address.
/// </summary>
public interface ISlotTable
{
    /// <summary>Active sessions.</summary>
    int Count { get; }

    /// <summary>Active sessions from <paramref name="client"/>.</summary>
    /// <param name="client">The client address.</param>
    int CountFor(IPAddress client);

    /// <summary>Takes a slot for a new session; dispose the returned handle when the session ends.</summary>
    /// <param name="client">The client address.</param>
    ISlotHandle Open(IPAddress client);

    /// <summary>A snapshot of the active sessions.</summary>
    IReadOnlyCollection<SessionSlot> Snapshot();
}
