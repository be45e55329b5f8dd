using System.Net;
using Exim.Abstractions.Daemon;
using Exim.Host.Slots;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exim.Host.Tests.Slots;

public sealed class SlotTableTests
{
    private readonly List<ChildExitEvent> _exits = [];
    private readonly SlotTable _slots;

    public SlotTableTests()
    {
        var reporter = new ChildExitReporter(NullLogger<ChildExitReporter>.Instance);
        reporter.Exited += e => { lock (_exits) _exits.Add(e); };
        _slots = new SlotTable(reporter, TimeProvider.System);
    }

    [Fact]
    public void MappedIPv4_CountsAsIPv4()
    {
        using var a = _slots.Open(IPAddress.Parse("192.0.2.1"));
        using var b = _slots.Open(IPAddress.Parse("::ffff:192.0.2.1"));
        using var c = _slots.Open(IPAddress.Parse("192.0.2.2"));

        Assert.Equal(3, _slots.Count);
        Assert.Equal(2, _slots.CountFor(IPAddress.Parse("192.0.2.1")));
        Assert.Equal(2, _slots.CountFor(IPAddress.Parse("::ffff:192.0.2.1")));
        Assert.Equal(IPAddress.Parse("192.0.2.1"), b.Slot.Client);
        Assert.Equal(2, b.CountAtOpen);
    }

    [Fact]
    public void Dispose_FreesTheSlotOnce_AndPublishesTheExit()
    {
        var handle = _slots.Open(IPAddress.Parse("192.0.2.7"));
        handle.Complete(SessionOutcome.Quit, 3);

        handle.Dispose();
        handle.Dispose();

        Assert.Equal(0, _slots.Count);
        Assert.Equal(0, _slots.CountFor(IPAddress.Parse("192.0.2.7")));
        var exit = Assert.Single(_exits);
        Assert.Equal((ChildExitKind.SmtpSession, SessionOutcome.Quit, 3, handle.Slot.Id), (exit.Kind, exit.Outcome, exit.Messages, exit.Id));
        Assert.Equal(IPAddress.Parse("192.0.2.7"), exit.Client);
    }

    [Fact]
    public void ConcurrentOpenAndClose_LeaveCountsAtZero()
    {
        Parallel.For(0, 2000, i =>
        {
            using var h = _slots.Open(IPAddress.Parse($"10.0.{i % 4}.1"));
            Assert.True(_slots.CountFor(h.Slot.Client) >= 1);
        });

        Assert.Equal(0, _slots.Count);
        Assert.Empty(_slots.Snapshot());
        Assert.Equal(2000, _exits.Count);
    }

    [Fact]
    public void Ids_AreUnique()
    {
        var handles = Enumerable.Range(0, 500).Select(_ => _slots.Open(IPAddress.Loopback)).ToList();

        Assert.Equal(500, handles.Select(h => h.Slot.Id).Distinct().Count());
        handles.ForEach(h => h.Dispose());
    }
}
