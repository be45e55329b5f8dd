using System.Diagnostics;

namespace Exim.Host.Scripting;

/// <summary>Describes a script's exception for the log: its type, message, and the script line it came from.</summary>
internal static class ScriptErrors
{
    public static string Describe(Exception error, ScriptSource source)
    {
        var line = new StackTrace(error, fNeedFileInfo: true).GetFrames()
            .FirstOrDefault(f => string.Equals(f.GetFileName(), source.FullPath, StringComparison.Ordinal))?.GetFileLineNumber() ?? 0;
        var where = line > 0 ? $" at {source.DisplayPath} line {line}" : "";
        return $"{error.GetType().Name}: {error.Message}{where}";
    }
}
