using Exim.Abstractions.Config;

namespace Exim.Host.Log;

/// <summary>
/// Where one configuration's log lines go: Exim's <c>log_file_path</c>, a colon-separated list of a file pattern
/// (<c>%s</c> becomes <c>main</c>, <c>panic</c> or <c>reject</c>; an empty item is the default
/// <c>&lt;spool&gt;/log/%slog</c>) and <c>syslog</c>. Files only by default; <c>syslog</c> alone sends everything to syslog;
/// <c>:syslog</c> does both.
/// </summary>
internal sealed record LogPaths(string Main, string Panic, string Reject)
{
    /// <summary>Whether lines go to the files (false with <c>log_file_path = "syslog"</c>).</summary>
    public bool ToFiles { get; init; } = true;

    /// <summary>log_selector's +pid: each line carries <c>[pid] </c> after its time stamp.</summary>
    public bool Pid { get; init; }

    /// <summary>The syslog destination, or null when <c>log_file_path</c> does not name syslog.</summary>
    public SyslogTarget? Syslog { get; init; }

    public static LogPaths For(MainOptions main)
    {
        var items = main.LogFilePath.Length == 0 ? [""] : main.LogFilePath.Split(':');
        var pattern = (string?)null;
        var syslog = false;
        foreach (var raw in items)
        {
            var item = raw.Trim();
            if (item == "syslog") syslog = true;
            else pattern ??= item;
        }
        var toFiles = pattern is not null;
        pattern = pattern is { Length: > 0 } p ? p : Path.Combine(main.SpoolDirectory, "log", "%slog");
        if (!pattern.Contains("%s", StringComparison.Ordinal)) pattern = Path.Combine(pattern, "%slog");
        return new LogPaths(pattern.Replace("%s", "main", StringComparison.Ordinal),
            pattern.Replace("%s", "panic", StringComparison.Ordinal),
            pattern.Replace("%s", "reject", StringComparison.Ordinal))
        {
            ToFiles = toFiles,
            Pid = Mail.Logging.LogSelection.Of(main).Has(Mail.Logging.LogSelection.Pid),
            Syslog = syslog ? new SyslogTarget(main.SyslogSocketPath, SyslogTarget.FacilityCode(main.SyslogFacility) ?? SyslogTarget.Mail, main.SyslogProcessname) : null,
        };
    }

    public string For(LogTarget target) => target switch
    {
        LogTarget.Main => Main,
        LogTarget.Panic => Panic,
        _ => Reject,
    };
}
