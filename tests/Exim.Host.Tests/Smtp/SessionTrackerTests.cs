using Exim.Mail.Smtp;
using Exim.TestKit;

namespace Exim.Host.Tests.Smtp;

/// <summary>The daemon's running connections, awaited on stop (no polling of the count).</summary>
public sealed class SessionTrackerTests
{
    [Fact]
    public async Task WhenAllEnded_CompletesAsTheLastSessionEnds_AndForgetsEndedOnes()
    {
        var tracker = new SessionTracker();
        tracker.Enter();
        tracker.Enter();
        Assert.Equal(2, tracker.Count);

        var drained = tracker.WhenAllEndedAsync(TestTimeouts.Default);
        tracker.Exit();
        Assert.Equal(1, tracker.Count);
        Assert.False(drained.IsCompleted);
        tracker.Enter(); // a connection accepted just before the listeners closed is waited for too
        tracker.Exit();
        Assert.False(drained.IsCompleted);

        tracker.Exit();
        Assert.True(await drained.WaitAsync(TestTimeouts.Default));
        Assert.Equal(0, tracker.Count);
    }

    [Fact]
    public async Task WhenAllEnded_GivesUpAtItsTimeout_WithTheSessionStillTracked()
    {
        var tracker = new SessionTracker();
        tracker.Enter();

        Assert.False(await tracker.WhenAllEndedAsync(TimeSpan.FromMilliseconds(100)).WaitAsync(TestTimeouts.Default));
        Assert.Equal(1, tracker.Count);
        tracker.Exit();
        Assert.True(await tracker.WhenAllEndedAsync(TimeSpan.FromMilliseconds(100)).WaitAsync(TestTimeouts.Default));
    }
}
