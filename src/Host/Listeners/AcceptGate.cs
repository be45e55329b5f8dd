namespace Exim.Host.Listeners;

/// <summary>
/// Pauses accepting on every listener of a <see cref="ListenerSet"/> (the control socket's <c>pause</c>). The ports stay
/// open: a connection the kernel completes while paused waits, without a banner, in the listen backlog (or, for the one
/// accept already under way, in the daemon) until <see cref="Resume"/>, as if the daemon were slow to accept.
/// </summary>
internal sealed class AcceptGate
{
    private TaskCompletionSource? _paused;

    public bool IsPaused => Volatile.Read(ref _paused) is not null;

    /// <summary>Completed while accepting; otherwise completes on <see cref="Resume"/>.</summary>
    public Task WhenOpen => Volatile.Read(ref _paused)?.Task ?? Task.CompletedTask;

    /// <summary>Stops accepting; false when already paused.</summary>
    public bool Pause()
        => Interlocked.CompareExchange(ref _paused, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null) is null;

    /// <summary>Accepts again; false when not paused.</summary>
    public bool Resume()
    {
        var paused = Interlocked.Exchange(ref _paused, null);
        paused?.TrySetResult();
        return paused is not null;
    }
}
