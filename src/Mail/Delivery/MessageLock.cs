using Exim.Mail.Spool;
using Microsoft.Win32.SafeHandles;

namespace Exim.Mail.Delivery;

/// <summary>
/// The per-message lock, as Exim's: an exclusive lock on the -D file (see <see cref="DataFileLock"/>), held for the whole
/// delivery and released when disposed or when the process dies. After locking, the -H file is checked again, because the
/// holder before us may have completed the message and removed its files between our listing and our lock. The open -D
/// file is also how transports read the body.
/// </summary>
internal sealed class MessageLock : IDisposable
{
    private readonly DataFileLock _data;

    private MessageLock(DataFileLock data, string id, string inputDirectory)
    {
        _data = data;
        Id = id;
        InputDirectory = inputDirectory;
    }

    public string Id { get; }

    /// <summary>Where the message's files are: its queue's input directory, or the split subdirectory of it.</summary>
    public string InputDirectory { get; }

    public SafeFileHandle Data => _data.File.SafeFileHandle;

    /// <summary>Where the body starts: after the <c>id-D</c> line.</summary>
    public long BodyOffset => SpoolQueue.DataStartOffset(Id);

    /// <summary>
    /// Locks the message wherever it is, split or not (Exim's spool_open_datafile: the place <paramref name="split"/> says
    /// first, then the other, so a message queued before the option changed is still found).
    /// </summary>
    public static LockAttempt TryAcquire(string spoolDirectory, string? queue, string id, bool split, out MessageLock? held)
    {
        held = null;
        if (!MessageId.IsValid(id)) return LockAttempt.NotFound;
        var (first, second) = SpoolPaths.Candidates(spoolDirectory, queue, id, split);
        var attempt = TryAcquire(first, id, out held);
        return attempt == LockAttempt.NotFound ? TryAcquire(second, id, out held) : attempt;
    }

    /// <summary>Locks the message in this directory only.</summary>
    public static LockAttempt TryAcquire(string inputDirectory, string id, out MessageLock? held)
    {
        held = null;
        if (DataFileLock.TryOpen(Path.Combine(inputDirectory, id + "-D"), out var locked) is not { } data)
        {
            return locked ? LockAttempt.Locked : LockAttempt.NotFound;
        }
        if (!File.Exists(Path.Combine(inputDirectory, id + "-H")))
        {
            data.Dispose();
            return LockAttempt.NotFound;
        }
        held = new MessageLock(data, id, inputDirectory);
        return LockAttempt.Acquired;
    }

    public void Dispose() => _data.Dispose();
}
