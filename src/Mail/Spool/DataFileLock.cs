using Exim.Mail.Native;

namespace Exim.Mail.Spool;

/// <summary>
/// The lock every process takes on a message's -D file before touching the message: a reception holds it from creating
/// the file until its -H file is in place, a delivery (or <c>-Mrm</c>, <c>-MG</c>) for its whole run, and the spool tidier
/// only to look. An open-file-description lock (see <see cref="Posix.TryLockExclusive"/>): the kernel drops it when the
/// holder dies.
/// </summary>
internal static class DataFileLock
{
    /// <summary>
    /// Opens <paramref name="path"/> and takes its lock without waiting. Null when the file is missing, or when another holder
    /// has the lock (<paramref name="locked"/> then true).
    /// </summary>
    public static FileStream? TryOpen(string path, out bool locked)
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
        if (Posix.TryLockExclusive(data.SafeFileHandle)) return data;
        data.Dispose();
        locked = true;
        return null;
    }
}
