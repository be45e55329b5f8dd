using Exim.Mail.Native;
using Exim.Mail.Spool;

namespace Exim.Mail.Delivery;

/// <summary>
/// Moves a message from one queue to another (<c>exim -MG</c>) under its lock, so no delivery runs meanwhile. The -D
/// file is linked into the destination and made durable; then one rename(2) of the -H file is the commit point (runners
/// only look at -H files, so the message is in exactly one queue at every instant); then the source's -D name goes. A
/// crash before the rename leaves the message where it was, plus a second name for its -D file in the destination that
/// no runner looks at and the next move replaces; a crash after it leaves the message moved, plus such a name in the
/// source. Either way it is never in two queues and never in none.
/// </summary>
internal static class QueueMove
{
    /// <param name="spoolDirectory">The spool.</param>
    /// <param name="id">The message.</param>
    /// <param name="from">Its queue (null: the default queue).</param>
    /// <param name="to">The queue it goes to (null: the default queue).</param>
    /// <param name="split"><c>split_spool_directory</c>: where it is looked for first, and where it goes.</param>
    /// <param name="leftover">After a move, what could not be tidied (the message is moved regardless), or null.</param>
    /// <returns>Acquired when moved; Locked or NotFound as the message lock says.</returns>
    /// <exception cref="IOException">The message could not be moved (it is left where it was).</exception>
    public static LockAttempt Move(string spoolDirectory, string id, string? from, string? to, bool split, out string? leftover)
    {
        leftover = null;
        var attempt = MessageLock.TryAcquire(spoolDirectory, from, id, split, out var held);
        if (held is null) return attempt;
        using (held)
        {
            var source = held.InputDirectory;
            var destination = SpoolPaths.EnsureMessageInput(spoolDirectory, to, id, split);
            var (sourceData, sourceHeader) = (Path.Combine(source, id + "-D"), Path.Combine(source, id + "-H"));
            var (data, header) = (Path.Combine(destination, id + "-D"), Path.Combine(destination, id + "-H"));
            if (File.Exists(header)) throw new IOException($"{header} already exists");
            File.Delete(data); // a name left by an interrupted move: ids are unique, so it can only be this message's
            Posix.Link(sourceData, data);
            try
            {
                Posix.FsyncDirectory(destination);
                Posix.Rename(sourceHeader, header);
            }
            catch
            {
                try { File.Delete(data); } catch (IOException) { } // not committed: the message stays where it was
                throw;
            }
            try
            {
                Posix.FsyncDirectory(destination);
                File.Delete(sourceData);
                Posix.FsyncDirectory(source);
                MessageLog.Move(source, destination, id); // after the commit: the message log follows the message
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                leftover = $"{sourceData}: {e.Message}";
            }
        }
        return LockAttempt.Acquired;
    }
}
