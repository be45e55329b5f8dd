using Exim.Abstractions.Diagnostics;

namespace Exim.Host.Tests.Metrics;

/// <summary>The read API the control status uses: the same figures the exporters publish.</summary>
public sealed class EximMetricsSnapshotTests
{
    [Fact]
    public void Snapshot_ReflectsWhatWasRecorded()
    {
        // The meter is process-wide and other tests record too: compare before and after.
        var before = EximMetrics.Snapshot();
        EximMetrics.MessageReceived(1234);
        EximMetrics.ConnectionRefused(RefusalReason.Reserve);
        EximMetrics.Delivery("snapshot_test_transport", DeliveryOutcome.Deferred);
        EximMetrics.Hook("snapshot-test.csx", TimeSpan.FromMilliseconds(3), timedOut: true, threw: false);
        var after = EximMetrics.Snapshot();

        Assert.True(after.MessagesReceived - before.MessagesReceived >= 1);
        Assert.True(after.BytesReceived - before.BytesReceived >= 1234);
        Assert.True(after.ConnectionsRefused["reserve"] - before.ConnectionsRefused["reserve"] >= 1);
        Assert.Equal(new DeliveryFigures(0, 1, 0), after.DeliveriesByTransport["snapshot_test_transport"]);
        Assert.Equal(new HookSnapshot(1, 1, 0), after.Hooks["snapshot-test.csx"]);
    }
}
