using System.Globalization;
using System.Text;
using Exim.Mail.Native;

namespace Exim.Mail.Spool;

/// <summary>
/// Exim's per-message logs (<c>message_logs</c>): <c>&lt;spool&gt;/msglog/&lt;id&gt;</c>, or <c>&lt;spool&gt;/&lt;queue&gt;/msglog/&lt;id&gt;</c> for a
/// message in a named queue (<c>msglog/X/&lt;id&gt;</c> for a message in the split subdirectory <c>input/X/</c>). Reception writes <c>Received from …</c>; each delivery attempt appends its results in
/// deliver.c's msglog shapes (<c>addr: t transport succeeded</c>, the <c>==</c> and <c>**</c> lines' text without the
/// marker, <c>*** Frozen…</c>); <c>exim -Mvl</c> prints it. It goes when the message completes (to
/// <c>&lt;spool&gt;/msglog.OLD/</c> with <c>preserve_message_logs</c>), is removed by <c>-Mrm</c> and moved by <c>-MG</c>.
/// Lines are appended with O_APPEND, one write(2) each, and never fsynced (a lost line costs nothing but a debugging aid),
/// as Exim does.
/// </summary>
internal static class MessageLog
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead; // SPOOL_MODE 0640
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute; // MSGLOG_DIRECTORY_MODE 0750

    /// <summary>
    /// The msglog directory that goes with a message's input directory: <c>msglog/</c> beside <c>input/</c>, or
    /// <c>msglog/X/</c> for a message in the split subdirectory <c>input/X/</c> (Exim's message_subdir).
    /// </summary>
    public static string DirectoryFor(string inputDirectory)
    {
        var sub = SpoolPaths.SubdirectoryOf(inputDirectory);
        var queueDirectory = Path.GetDirectoryName(sub is null ? inputDirectory : Path.GetDirectoryName(inputDirectory))!;
        return sub is null ? Path.Combine(queueDirectory, "msglog") : Path.Combine(queueDirectory, "msglog", sub);
    }

    /// <summary>The log of the message whose files are in <paramref name="inputDirectory"/>.</summary>
    public static string PathOf(string inputDirectory, string id) => Path.Combine(DirectoryFor(inputDirectory), id);

    /// <summary>
    /// The existing log of a message, split or not (the split place first when <paramref name="split"/>), or null: as -Mvl
    /// looks for it, also when the message itself is gone.
    /// </summary>
    public static string? Find(string spoolDirectory, string? queue, string id, bool split)
    {
        var (first, second) = SpoolPaths.Candidates(spoolDirectory, queue, id, split);
        var path = PathOf(first, id);
        if (File.Exists(path)) return path;
        path = PathOf(second, id);
        return File.Exists(path) ? path : null;
    }

    /// <summary>
    /// Appends <paramref name="lines"/> to the message's log, each stamped with <paramref name="now"/> (local time, as the
    /// main log; null: no stamp, as deliver.c's <c>*** Frozen</c> line), creating the file and its directory when missing. An I/O error is returned, not thrown: the message
    /// log is never worth failing a reception or delivery for (Exim logs it to the panic log and carries on).
    /// </summary>
    public static IOException? Append(string inputDirectory, string id, DateTime? now, params ReadOnlySpan<string> lines)
    {
        var stamp = now?.ToString("yyyy-MM-dd HH:mm:ss ", CultureInfo.InvariantCulture) ?? "";
        var text = new StringBuilder(128);
        foreach (var line in lines) text.Append(stamp).Append(line).Append('\n');
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var path = PathOf(inputDirectory, id);
        try
        {
            try
            {
                Posix.Append(path, bytes, FileMode);
            }
            catch (IOException)
            {
                // Most likely the directory is missing (a new spool). Not "when it does not exist": a concurrent session may
                // have made it between this open and such a check, and this message's log would then be lost. Creating it
                // is idempotent; any other error fails again and is returned.
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!, DirectoryMode);
                Posix.Append(path, bytes, FileMode);
            }
            return null;
        }
        catch (IOException e)
        {
            return e;
        }
        catch (UnauthorizedAccessException e)
        {
            return new IOException(e.Message, e);
        }
    }

    /// <summary>
    /// A completed message's log: removed, or with <paramref name="preserve"/> (<c>preserve_message_logs</c>) moved to
    /// <c>&lt;spool&gt;/msglog.OLD/&lt;id&gt;</c>. A missing log is no error.
    /// </summary>
    public static void Complete(string spoolDirectory, string inputDirectory, string id, bool preserve)
    {
        var path = PathOf(inputDirectory, id);
        if (!preserve)
        {
            File.Delete(path);
            return;
        }
        if (!File.Exists(path)) return;
        var old = Path.Combine(spoolDirectory, "msglog.OLD");
        System.IO.Directory.CreateDirectory(old, DirectoryMode);
        File.Move(path, Path.Combine(old, id), overwrite: true);
    }

    /// <summary>Moves the message's log along with the message (<c>-MG</c>); nothing to do when it has none.</summary>
    public static void Move(string fromInput, string toInput, string id)
    {
        var source = PathOf(fromInput, id);
        if (!File.Exists(source)) return;
        var destination = DirectoryFor(toInput);
        System.IO.Directory.CreateDirectory(destination, DirectoryMode);
        File.Move(source, Path.Combine(destination, id), overwrite: true);
    }
}
