using Exim.Abstractions.Scripting;
using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Scripting;

/// <summary>A script's <c>Log</c>: main-log lines prefixed with the script's path.</summary>
internal sealed partial class ScriptLog(ILogger logger, string script) : IScriptLog
{
    public void Info(string message) => LogInfo(logger, script, message);

    public void Warning(string message) => LogWarning(logger, script, message);

    public void Error(string message) => LogError(logger, script, message);

    [LoggerMessage(EventIds.ScriptLogInfo, LogLevel.Information, "{Script}: {Message}")]
    private static partial void LogInfo(ILogger logger, string script, string message);

    [LoggerMessage(EventIds.ScriptLogWarning, LogLevel.Warning, "{Script}: {Message}")]
    private static partial void LogWarning(ILogger logger, string script, string message);

    [LoggerMessage(EventIds.ScriptLogError, LogLevel.Error, "{Script}: {Message}")]
    private static partial void LogError(ILogger logger, string script, string message);
}
