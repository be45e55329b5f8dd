using Exim.Abstractions.Config;

namespace Exim.Host.Log;

/// <summary>The three log files for one configuration (Exim's <c>log_file_path</c> with <c>%s</c>).</summary>
internal sealed record LogPaths(string Main, string Panic, string Reject)
{
    public static LogPaths For(MainOptions main)
    {
        var pattern = main.LogFilePath.Length > 0 ? main.LogFilePath : Path.Combine(main.SpoolDirectory, "log", "%slog");
        if (!pattern.Contains("%s", StringComparison.Ordinal)) pattern = Path.Combine(pattern, "%slog");
        return new LogPaths(pattern.Replace("%s", "main", StringComparison.Ordinal),
            pattern.Replace("%s", "panic", StringComparison.Ordinal),
            pattern.Replace("%s", "reject", StringComparison.Ordinal));
    }

    public string For(LogTarget target) => target switch
    {
        LogTarget.Main => Main,
        LogTarget.Panic => Panic,
        _ => Reject,
    };
}
