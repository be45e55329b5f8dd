namespace Exim.Mail.Smtp;

/// <summary>
/// The daemon's running connections (shared by every generation), so a stopping daemon can await them instead of
/// polling. A count, not a set of tasks: a session costs nothing here while it runs (ten thousand idle sessions would
/// otherwise each keep a dictionary entry and a continuation).
/// </summary>
internal sealed class SessionTracker
{
    private int _count;
    private TaskCompletionSource? _emptied;

    public int Count => Volatile.Read(ref _count);

    /// <summary>A session starts; it must call <see cref="Exit"/> exactly once when it has ended.</summary>
    public void Enter() => Interlocked.Increment(ref _count);

    /// <summary>A session has ended.</summary>
    public void Exit()
    {
        if (Interlocked.Decrement(ref _count) == 0) Volatile.Read(ref _emptied)?.TrySetResult();
    }

    /// <summary>Waits until every tracked session has ended, or <paramref name="timeout"/> has passed; true when none is left.</summary>
    public async Task<bool> WhenAllEndedAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        // Sessions started while waiting (a connection accepted just before the listeners closed) are waited for too.
        while (Count > 0)
        {
            var emptied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _emptied, emptied);
            if (Count == 0) break; // the last one ended before it could see this waiter
            try
            {
                await emptied.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return Count == 0;
            }
        }
        return true;
    }
}
