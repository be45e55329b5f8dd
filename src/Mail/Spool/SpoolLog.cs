using Microsoft.Extensions.Logging;

namespace Exim.Mail.Spool;

/// <summary>Spool log lines (4xxx).</summary>
internal static partial class SpoolLog
{
    [LoggerMessage(4101, LogLevel.Information, "{Id} removed leftover spool file {File} ({Why})")]
    public static partial void LeftoverRemoved(ILogger logger, string id, string file, string why);

    [LoggerMessage(4102, LogLevel.Warning, "could not tidy leftover spool files {Where}: {Error}")]
    public static partial void TidyFailed(ILogger logger, string where, string error);
}
