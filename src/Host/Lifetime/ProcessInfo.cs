using System.Runtime.InteropServices;
using System.Text;
using Exim.Abstractions.Config;
using Exim.Mail.Native;

namespace Exim.Host.Lifetime;

/// <summary>
/// Exim's process information for <c>exiwhat</c>: every exim process keeps a one-line description of what it is doing
/// and, on SIGUSR1, appends <c>%5d pid text</c> to process_log_path (default <c>&lt;spool&gt;/exim-process.info</c>).
/// One line per process, since exiwhat sorts the file with <c>sort -nu</c>. SIGUSR1 is always caught (its default
/// action would kill the process), also before a configuration has named the file.
/// </summary>
internal static class ProcessInfo
{
    private const int SigUsr1 = 10; // Linux
    private const int MaxLength = 1000;
    private static Func<string> _describe = () => "initializing";
    private static string? _path;

    /// <summary>Catches SIGUSR1 for the life of the process.</summary>
    public static PosixSignalRegistration Register() => PosixSignalRegistration.Create((PosixSignal)SigUsr1, c =>
    {
        c.Cancel = true;
        Write();
    });

    public static void Set(string text) => Volatile.Write(ref _describe, () => text);

    /// <summary>A description computed when the signal comes (the daemon's lists its current connections).</summary>
    public static void Set(Func<string> describe) => Volatile.Write(ref _describe, describe);

    public static void UseConfig(MainOptions main) => Volatile.Write(ref _path,
        main.ProcessLogPath.Length > 0 ? main.ProcessLogPath : Path.Combine(main.SpoolDirectory, "exim-process.info"));

    /// <summary>Appends this process's line; failures are ignored, as Exim's signal handler ignores them.</summary>
    public static void Write()
    {
        if (Volatile.Read(ref _path) is not { } path) return;
        string text;
        try { text = Volatile.Read(ref _describe)(); }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException) { text = "(busy)"; }
        if (text.Length > MaxLength) text = text[..MaxLength] + " ...";
        var line = $"{Environment.ProcessId,5} {text.ReplaceLineEndings(" ")}\n";
        try
        {
            Posix.Append(path, Encoding.UTF8.GetBytes(line), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nobody to tell: exiwhat shows "No exim process data" for a process that could not write.
        }
    }
}
