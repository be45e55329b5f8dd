using Exim.Abstractions.Scripting;
using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Queue;

/// <summary>
/// Queue runs asked for by scripts. Requests are logged and handed to the daemon's runner launcher; one that
/// arrives while a requested run is still starting is merged into it, so a burst of exits starts one run.
/// </summary>
internal sealed partial class QueueRunRequests(Func<string, Task<bool>> launch, ILogger logger) : IQueueControl
{
    private int _starting;
    private long _requested;
    private long _started;

    public long Requested => Interlocked.Read(ref _requested);

    public long Started => Interlocked.Read(ref _started);

    public void RequestRun(string reason)
    {
        Interlocked.Increment(ref _requested);
        if (Interlocked.Exchange(ref _starting, 1) == 1)
        {
            Merged(logger, reason);
            return;
        }
        RunRequested(logger, reason);
        _ = StartAsync(reason);
    }

    private async Task StartAsync(string reason)
    {
        try
        {
            if (await launch(reason).ConfigureAwait(false)) Interlocked.Increment(ref _started);
        }
        catch (Exception e)
        {
            LaunchFailed(logger, reason, e);
        }
        finally
        {
            Volatile.Write(ref _starting, 0);
        }
    }

    [LoggerMessage(EventIds.QueueRunRequested, LogLevel.Information, "queue run requested: {Reason}")]
    private static partial void RunRequested(ILogger logger, string reason);

    [LoggerMessage(EventIds.QueueRunRequested, LogLevel.Debug, "queue run requested while one is starting (merged): {Reason}")]
    private static partial void Merged(ILogger logger, string reason);

    [LoggerMessage(EventIds.QueueRunRequested, LogLevel.Error, "requested queue run ({Reason}) could not start")]
    private static partial void LaunchFailed(ILogger logger, string reason, Exception exception);
}
