using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Lifetime;

/// <summary>Log lines of <see cref="GenerationLoopRunner{TStrategy}"/>.</summary>
internal static partial class LoopRunnerLog
{
    [LoggerMessage(EventIds.DaemonLoopFailed, LogLevel.Critical, "{What} of generation {Number} failed")]
    public static partial void Failed(ILogger logger, string what, long number, Exception exception);

    [LoggerMessage(EventIds.DaemonLoopFailed, LogLevel.Error, "{What} of generation {Number} returned before it was stopped")]
    public static partial void Ended(ILogger logger, string what, long number);

    [LoggerMessage(EventIds.DaemonLoopSlowStop, LogLevel.Warning, "{What} of generation {Number} did not stop within {Seconds}s; starting the next one anyway")]
    public static partial void SlowStop(ILogger logger, string what, long number, double seconds);
}
