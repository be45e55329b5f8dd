using Exim.Abstractions.Config;
using Exim.Abstractions.Queue;
using Exim.Host.Log;
using Exim.Mail.Native;
using Exim.Mail.Spool;

namespace Exim.Host.Security;

/// <summary>
/// Done by the daemon as root, before it gives root up: the spool directory and its input, msglog and db directories
/// (and each named queue's) and the log directory exist (created 0750, Exim's directory mode) and belong to the Exim
/// user and group, and so do the plain files in them that root owns (a hints database, log files and messages of a run
/// as root), so the Exim user can go on writing them.
/// This runs as root over directories the Exim user owns, so nothing here may follow a link that user could plant:
/// each directory is opened component by component with O_NOFOLLOW and changed through its descriptor, entries are
/// examined and changed relative to it (statx, fchownat with AT_SYMLINK_NOFOLLOW), only regular files with one link are
/// given away (a hard link to a root file elsewhere is not), and nothing is walked recursively. A log directory outside
/// the spool that already exists (e.g. <c>/var/log</c>) keeps its owner: only our three log files in it change.
/// </summary>
internal static class SpoolOwnership
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    private static readonly string[] SpoolDirectories = ["input", "msglog", "db"];

    /// <returns>null, or what could not be done (start-up must then stop).</returns>
    public static string? Prepare(MainOptions main, EximIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(main);
        ArgumentNullException.ThrowIfNull(identity);
        var spool = Path.GetFullPath(main.SpoolDirectory);
        try
        {
            if (!Directory.Exists(spool)) Directory.CreateDirectory(spool, DirectoryMode);
            using (var root = Posix.OpenDirectoryNoFollow(null, spool))
            {
                Posix.ChownDirectory(root, identity.Uid, identity.Gid);
                GiveRootFiles(root, spool, identity);
                PrepareQueue(root, spool, identity, create: true);
                foreach (var queue in Directory.EnumerateDirectories(spool).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal))
                {
                    if (SpoolDirectories.Contains(queue) || !QueueNames.IsValid(queue, out _)) continue;
                    if (Posix.EntryOf(root, queue) is not { IsDirectory: true }) continue;
                    using var named = Prepare(root, spool, queue, identity, create: false);
                    PrepareQueue(named, Path.Combine(spool, queue), identity, create: false);
                }
            }
            var logs = LogPaths.For(main);
            if (logs.ToFiles) PrepareLogs(spool, [logs.Main, logs.Reject, logs.Panic], identity);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"exim: cannot give the spool and log directories to exim_user {identity}: {e.Message}";
        }
        return null;
    }

    /// <summary>
    /// A queue's input, msglog and db directories, and the split subdirectories (<c>input/X</c>, <c>msglog/X</c>, one
    /// letter or digit each) that <c>split_spool_directory</c> gives input and msglog: a message received by root (a
    /// delivery or submission run as root) may have made one, and the Exim user must be able to add to it and delete from it.
    /// </summary>
    private static void PrepareQueue(DirectoryHandle? queue, string queuePath, EximIdentity identity, bool create)
    {
        foreach (var name in SpoolDirectories)
        {
            using var directory = Prepare(queue, queuePath, name, identity, create);
            if (directory is null || name == "db") continue;
            var path = Path.Combine(queuePath, name);
            foreach (var sub in Directory.EnumerateDirectories(path).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal))
            {
                if (SpoolPaths.SubdirectoryOf(sub) is null || Posix.EntryOf(directory, sub) is not { IsDirectory: true }) continue;
                Prepare(directory, path, sub, identity, create: false)?.Dispose();
            }
        }
    }

    /// <summary>
    /// The directory <paramref name="name"/> in <paramref name="parent"/>: made if missing (when <paramref name="create"/>),
    /// opened without following a link, given to the Exim user with the root-owned files in it. Null when it does not exist.
    /// </summary>
    private static DirectoryHandle? Prepare(DirectoryHandle? parent, string parentPath, string name, EximIdentity identity, bool create)
    {
        if (parent is null) return null;
        var path = Path.Combine(parentPath, name);
        if (!Directory.Exists(path))
        {
            if (!create) return null;
            Directory.CreateDirectory(path, DirectoryMode);
        }
        var directory = Posix.OpenDirectoryNoFollow(parent, name);
        try
        {
            Posix.ChownDirectory(directory, identity.Uid, identity.Gid);
            GiveRootFiles(directory, path, identity);
            return directory;
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>The log files: a directory inside the spool is prepared as the spool's are; one outside keeps its owner.</summary>
    private static void PrepareLogs(string spool, string[] files, EximIdentity identity)
    {
        foreach (var directoryPath in files.Select(f => Path.GetDirectoryName(Path.GetFullPath(f))!).Distinct(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(spool, directoryPath);
            if (relative != "." && !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative))
            {
                // Under the spool: component by component from the spool's own descriptor.
                var parent = Posix.OpenDirectoryNoFollow(null, spool);
                var parentPath = spool;
                foreach (var component in relative.Split(Path.DirectorySeparatorChar))
                {
                    var next = Prepare(parent, parentPath, component, identity, create: true)!;
                    parent.Dispose();
                    (parent, parentPath) = (next, Path.Combine(parentPath, component));
                }
                parent.Dispose();
                continue;
            }
            var made = !Directory.Exists(directoryPath);
            if (made) Directory.CreateDirectory(directoryPath, DirectoryMode);
            using var directory = Posix.OpenDirectoryNoFollow(null, directoryPath);
            if (made) Posix.ChownDirectory(directory, identity.Uid, identity.Gid);
            foreach (var file in files.Where(f => Path.GetDirectoryName(Path.GetFullPath(f)) == directoryPath))
            {
                GiveIfRootFile(directory, Path.GetFileName(file), identity);
            }
        }
    }

    private static void GiveRootFiles(DirectoryHandle directory, string path, EximIdentity identity)
    {
        foreach (var name in Directory.EnumerateFiles(path).Select(Path.GetFileName).OfType<string>()) GiveIfRootFile(directory, name, identity);
    }

    private static void GiveIfRootFile(DirectoryHandle directory, string name, EximIdentity identity)
    {
        if (Posix.EntryOf(directory, name) is { Uid: 0, IsRegularFile: true, Links: 1 }) Posix.ChownEntry(directory, name, identity.Uid, identity.Gid);
    }
}
