using Exim.Abstractions.Config;
using Exim.Host.Log;
using Exim.Mail.Native;

namespace Exim.Host.Security;

/// <summary>
/// Done by the daemon as root, before it gives root up: the spool directory and its input, msglog and db directories
/// and the log directory exist (created 0750, Exim's directory mode) and belong to the Exim user and group, and so does
/// everything under them that root owns (a hints database, log files and messages of a run as root), so the Exim user
/// can go on writing them. Symbolic links are neither followed nor changed.
/// </summary>
internal static class SpoolOwnership
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    /// <returns>null, or what could not be done (start-up must then stop).</returns>
    public static string? Prepare(MainOptions main, EximIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(main);
        ArgumentNullException.ThrowIfNull(identity);
        var spool = main.SpoolDirectory;
        var logDirectory = Path.GetDirectoryName(LogPaths.For(main).Main)!;
        string[] directories = [spool, Path.Combine(spool, "input"), Path.Combine(spool, "msglog"), Path.Combine(spool, "db"), logDirectory];
        try
        {
            foreach (var directory in directories)
            {
                if (!Directory.Exists(directory)) Directory.CreateDirectory(directory, DirectoryMode);
                Posix.Chown(directory, identity.Uid, identity.Gid);
            }
            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = FileAttributes.ReparsePoint };
            string[] trees = IsUnder(logDirectory, spool) ? [spool] : [spool, logDirectory];
            foreach (var tree in trees)
            {
                foreach (var entry in Directory.EnumerateFileSystemEntries(tree, "*", options))
                {
                    if (Posix.OwnerOf(entry).Uid == 0) Posix.Chown(entry, identity.Uid, identity.Gid);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"exim: cannot give the spool and log directories to exim_user {identity}: {e.Message}";
        }
        return null;
    }

    private static bool IsUnder(string path, string directory)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(directory), Path.GetFullPath(path));
        return relative == "." || !(relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative));
    }
}
