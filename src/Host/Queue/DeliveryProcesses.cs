using Exim.Abstractions.Daemon;
using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Queue;

/// <summary>
/// Immediate delivery (spec §1.6 step 9): each message the daemon receives, unless it must only be queued, gets a
/// delivery process (<c>exim -M &lt;id&gt;</c>, as Exim forks one), at most <c>immediate_delivery_max</c> at a time;
/// beyond that the message waits for the next queue run. Exits are reaped and reported as Delivery children.
/// </summary>
internal sealed partial class DeliveryProcesses(EximChildren children, ILogger logger)
{
    private int _running;

    public int Running => Volatile.Read(ref _running);

    /// <summary>Starts a delivery of <paramref name="messageId"/>; null when started, else why not (for the log line).</summary>
    public string? TryDeliver(string messageId, int max)
    {
        if (Interlocked.Increment(ref _running) > max && max > 0)
        {
            Interlocked.Decrement(ref _running);
            return $"more than {max} deliveries in progress (immediate_delivery_max)";
        }
        try
        {
            children.Start(ChildExitKind.Delivery, _ => messageId, ["-M", messageId], () => Interlocked.Decrement(ref _running));
            return null;
        }
        catch (Exception e)
        {
            Interlocked.Decrement(ref _running);
            StartFailed(logger, messageId, e);
            return "the delivery process could not be started";
        }
    }

    [LoggerMessage(EventIds.QueueRunRequested, LogLevel.Critical, "{Id} daemon: fork of delivery process failed")]
    private static partial void StartFailed(ILogger logger, string id, Exception exception);
}
