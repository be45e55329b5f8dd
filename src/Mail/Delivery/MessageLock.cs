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
    private readonly FileStream _data;

    private MessageLock(FileStream data, string id)
    {
        _data = data;
        Id = id;
    }

    public string Id { get; }

    public SafeFileHandle Data => _data.SafeFileHandle;

    /// <summary>Where the body starts: after the <c>id-D</c> line.</summary>
    public long BodyOffset => SpoolQueue.DataStartOffset(Id);

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
        held = new MessageLock(data, id);
        return LockAttempt.Acquired;
    }

    public void Dispose() => _data.Dispose();
}
