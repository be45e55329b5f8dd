using Exim.Abstractions.Config;
using Tomlyn;
using Tomlyn.Model;

namespace Exim.Host.Control;

/// <summary>Where the daemon's control socket is: <c>notifier_socket</c> with <c>$spool_directory</c> expanded; null when it is empty.</summary>
internal static class ControlSocketPath
{
    private const string SpoolVariable = "$spool_directory";

    /// <summary>The longest path a Unix socket address holds (sun_path is 108 bytes with its NUL).</summary>
    public const int MaxLength = 107;

    public static string? For(MainOptions main)
    {
        var option = main.NotifierSocket;
        if (option.Length == 0) return null;
        return option.StartsWith(SpoolVariable, StringComparison.Ordinal) ? main.SpoolDirectory + option[SpoolVariable.Length..] : option;
    }

    /// <summary>
    /// The socket from a configuration file that does not load as a whole (an operator asking the daemon to reload a
    /// broken one must still reach it, and the daemon's answer lists the errors): only <c>spool_directory</c> and
    /// <c>notifier_socket</c> are read. Null when the file is not even TOML or they are not strings.
    /// </summary>
    public static string? ForBrokenFile(string configPath)
    {
        try
        {
            var fullPath = Path.GetFullPath(configPath);
            var root = TomlSerializer.Deserialize<TomlTable>(File.ReadAllText(fullPath))!;
            var defaults = new MainOptions();
            var spool = root.TryGetValue("spool_directory", out var s) ? s as string : defaults.SpoolDirectory;
            var socket = root.TryGetValue("notifier_socket", out var n) ? n as string : defaults.NotifierSocket;
            if (spool is null || socket is null) return null;
            if (spool.Length > 0) spool = Path.GetFullPath(spool, Path.GetDirectoryName(fullPath)!);
            return For(defaults with { SpoolDirectory = spool, NotifierSocket = socket });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TomlException)
        {
            return null;
        }
    }
}
