using System.Collections.Concurrent;

namespace Exim.Mail.Smtp;

/// <summary>
/// The daemon's running connections as tasks (shared by every generation), so a stopping daemon can await them instead
/// of polling a count.
/// </summary>
internal sealed class SessionTracker
{
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    public int Count => _running.Count;

    /// <summary>Tracks <paramref name="session"/> until it completes; returns it.</summary>
    public Task<T> Track<T>(Task<T> session)
    {
        if (session.IsCompleted) return session;
        _running.TryAdd(session, 0);
        session.ContinueWith(static (t, self) => ((ConcurrentDictionary<Task, byte>)self!).TryRemove(t, out _), _running,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return session;
    }

    /// <summary>Waits until every tracked session has ended, or <paramref name="timeout"/> has passed; true when none is left.</summary>
    public async Task<bool> WhenAllEndedAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        // Sessions started while waiting (a connection accepted just before the listeners closed) are waited for too.
        while (!_running.IsEmpty)
        {
            try
            {
                await Task.WhenAll(_running.Keys).WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return _running.IsEmpty;
            }
        }
        return true;
    }
}
