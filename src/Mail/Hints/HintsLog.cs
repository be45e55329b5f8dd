using Microsoft.Extensions.Logging;

namespace Exim.Mail.Hints;

/// <summary>The hints store's log lines (4201-4210).</summary>
internal static partial class HintsLog
{
    [LoggerMessage(4201, LogLevel.Critical, "DB file {Path} is corrupt ({Reason}): moved to {Aside}; the hints start empty")]
    public static partial void Corrupt(ILogger logger, string path, string reason, string aside);

    [LoggerMessage(4202, LogLevel.Error, "Failed to open DB file {Path}: {Reason} (hints read as empty until it opens)")]
    public static partial void OpenFailed(ILogger logger, string path, string reason);

    [LoggerMessage(4203, LogLevel.Information, "DB file {Path} is usable again")]
    public static partial void Reopened(ILogger logger, string path);

    [LoggerMessage(4204, LogLevel.Critical, "Failed to get write lock for {Path}: timed out")]
    public static partial void LockTimedOut(ILogger logger, string path);
}
