using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Exim.Abstractions.Daemon;

namespace Exim.Host.Slots;

/// <summary>
/// Every active SMTP session, owned by the core: counts survive reloads. Per-host counts are a dictionary, not
/// Exim's O(n) scan of the slots, and IPv4-mapped IPv6 clients count as IPv4 (spec §1.6 EDGE).
/// </summary>
internal sealed class SlotTable(ChildExitReporter exits, TimeProvider time) : ISlotTable
{
    private readonly ConcurrentDictionary<string, SessionSlot> _slots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<IPAddress, int> _perHost = new();
    private int _count;
    private long _sequence;

    public int Count => Volatile.Read(ref _count);

    public int CountFor(IPAddress client) => _perHost.TryGetValue(Normalize(client), out var n) ? n : 0;

    public ISlotHandle Open(IPAddress client)
    {
        var address = Normalize(client);
        var slot = new SessionSlot(ConnectionIds.Next(ref _sequence, time), address, time.GetUtcNow());
        _slots[slot.Id] = slot;
        var fromHost = _perHost.AddOrUpdate(address, 1, static (_, n) => n + 1);
        var count = Interlocked.Increment(ref _count);
        return new Handle(this, slot, count, fromHost, Stopwatch.GetTimestamp());
    }

    public IReadOnlyCollection<SessionSlot> Snapshot() => [.. _slots.Values];

    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private void Close(Handle handle)
    {
        if (!_slots.TryRemove(handle.Slot.Id, out _)) return;
        Interlocked.Decrement(ref _count);
        while (true)
        {
            if (!_perHost.TryGetValue(handle.Slot.Client, out var n)) break;
            if (n <= 1 ? _perHost.TryRemove(new KeyValuePair<IPAddress, int>(handle.Slot.Client, n)) : _perHost.TryUpdate(handle.Slot.Client, n - 1, n)) break;
        }
        exits.Report(new ChildExitEvent(ChildExitKind.SmtpSession, handle.Slot.Id, null, handle.Slot.Client, handle.Outcome,
            null, null, Stopwatch.GetElapsedTime(handle.Started), handle.Messages));
    }

    private sealed class Handle(SlotTable table, SessionSlot slot, int count, int fromHost, long started) : ISlotHandle
    {
        private int _disposed;

        public SessionSlot Slot { get; } = slot;
        public int CountAtOpen { get; } = count;
        public int HostCountAtOpen { get; } = fromHost;
        public long Started { get; } = started;
        public SessionOutcome Outcome { get; private set; } = SessionOutcome.Dropped;
        public int Messages { get; private set; }

        public void Complete(SessionOutcome outcome, int messages) => (Outcome, Messages) = (outcome, messages);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) table.Close(this);
        }
    }
}
