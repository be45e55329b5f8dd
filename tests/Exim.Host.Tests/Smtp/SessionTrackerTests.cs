using Exim.Abstractions.Daemon;
using Exim.Mail.Smtp;
using Exim.TestKit;

namespace Exim.Host.Tests.Smtp;

/// <summary>The daemon's running connections as tasks, awaited on stop (no polling of a count).</summary>
public sealed class SessionTrackerTests
{
    [Fact]
    public async Task WhenAllEnded_CompletesAsTheLastSessionEnds_AndForgetsEndedOnes()
    {
        var tracker = new SessionTracker();
        var first = new TaskCompletionSource<SessionResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource<SessionResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = tracker.Track(first.Task);
        _ = tracker.Track(second.Task);
        Assert.Equal(2, tracker.Count);

        var drained = tracker.WhenAllEndedAsync(TestTimeouts.Default);
        first.SetResult(new SessionResult(SessionOutcome.Quit, 1));
        await Wait.UntilOrFailAsync(() => tracker.Count == 1, TestTimeouts.Default, () => "the ended session is still tracked");
        Assert.False(drained.IsCompleted);

        second.SetResult(new SessionResult(SessionOutcome.Quit, 0));
        Assert.True(await drained.WaitAsync(TestTimeouts.Default));
        Assert.Equal(0, tracker.Count);
    }

    [Fact]
    public async Task WhenAllEnded_GivesUpAtItsTimeout_WithTheSessionStillTracked()
    {
        var tracker = new SessionTracker();
        var stuck = new TaskCompletionSource<SessionResult>();
        _ = tracker.Track(stuck.Task);

        Assert.False(await tracker.WhenAllEndedAsync(TimeSpan.FromMilliseconds(100)).WaitAsync(TestTimeouts.Default));
        Assert.Equal(1, tracker.Count);
        stuck.SetResult(default);
    }
}
