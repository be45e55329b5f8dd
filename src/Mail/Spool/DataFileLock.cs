using Exim.Mail.Native;

namespace Exim.Mail.Spool;

/// <summary>
/// The lock every process takes on a message's -D file before touching the message: a reception holds it from creating
/// the file until its -H file is in place, a delivery (or <c>-Mrm</c>, <c>-MG</c>) for its whole run, and the spool tidier
/// only to look. An open-file-description lock (see <see cref="Posix.TryLockExclusive"/>): the kernel drops it when the
/// holder dies. A live holder releases it before closing the file (disposing this, or <see cref="Unlock"/> for a
/// reception's file), because a child process being started shares the open file until its exec.
/// </summary>
internal sealed class DataFileLock : IDisposable
{
    private DataFileLock(FileStream file) => File = file;

    /// <summary>The open -D file (read and write, unbuffered).</summary>
    public FileStream File { get; }

    /// <summary>
    /// Opens <paramref name="path"/> and takes its lock without waiting. Null when the file is missing, or when another holder
    /// has the lock (<paramref name="locked"/> then true).
    /// </summary>
    public static DataFileLock? TryOpen(string path, out bool locked)
    {
        locked = false;
        FileStream data;
        try
        {
            data = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.ReadWrite, // fcntl write locks need a descriptor open for writing
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0,
            });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        if (Posix.TryLockExclusive(data.SafeFileHandle)) return new DataFileLock(data);
        data.Dispose();
        locked = true;
        return null;
    }

    /// <summary>
    /// Releases the lock on a -D file before it is closed (see <see cref="Posix.Unlock"/>: a child being started holds the
    /// open file until its exec, and the lock with it). Nothing once the file is closed.
    /// </summary>
    public static void Unlock(FileStream data)
    {
        if (data.CanRead || data.CanWrite) Posix.Unlock(data.SafeFileHandle);
    }

    /// <summary>Releases the lock and closes the file.</summary>
    public void Dispose()
    {
        Unlock(File);
        File.Dispose();
    }
}
