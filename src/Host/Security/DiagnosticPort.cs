using System.Globalization;
using Exim.Mail.Native;

namespace Exim.Host.Security;

/// <summary>
/// The .NET runtime's diagnostic IPC socket (<c>$TMPDIR/dotnet-diagnostic-&lt;pid&gt;-&lt;start time&gt;-socket</c>, what
/// dotnet-counters, dotnet-trace and dotnet-dump connect to), which the runtime creates at start, before Main, owned by
/// whoever started the process and readable by that user only. A daemon started as root hands it to the Exim user
/// before it gives root up, so that the Exim user can watch the daemon with dotnet-counters as anyone watches their own
/// .NET process (root still can).
/// </summary>
internal static class DiagnosticPort
{
    /// <summary>This process's diagnostic socket: the name the runtime gives it (ds-ipc-pal-socket.c), or null.</summary>
    public static string? Path()
    {
        // The disambiguation key is the process's start time in clock ticks: field 22 of /proc/self/stat, counted after
        // the command name's closing parenthesis (the name may contain spaces).
        string stat;
        try
        {
            stat = File.ReadAllText("/proc/self/stat");
        }
        catch (IOException)
        {
            return null;
        }
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        if (fields.Length < 20 || !ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var started)) return null;
        return System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"dotnet-diagnostic-{Environment.ProcessId}-{started}-socket");
    }

    /// <summary>Gives the socket to <paramref name="identity"/>; null, or why it could not (not fatal: only diagnostics lose).</summary>
    public static string? HandTo(EximIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (Path() is not { } path || !Posix.IsSocket(path)) return null; // diagnostics disabled (DOTNET_EnableDiagnostics=0)
        try
        {
            // Only the socket the runtime made for this root process: in a sticky $TMPDIR nobody else can replace a file
            // root owns, while one another user planted under that name (diagnostics disabled) is left alone.
            if (Posix.OwnerOf(path).Uid != 0) return $"the diagnostic socket {path} is not root's; left alone";
            Posix.Chown(path, identity.Uid, identity.Gid); // lchown: a link put in its place is not followed
            return null;
        }
        catch (IOException e)
        {
            return $"the diagnostic socket {path} stays root's (dotnet-counters as {identity.User} cannot reach the daemon): {e.Message}";
        }
    }
}
