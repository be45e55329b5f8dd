using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Exim.Plugins.Appendfile;

/// <summary>
/// Appends to an mbox file as Exim's appendfile does: the lock file <c>path.lock</c> made with a hitching post and link(2)
/// (<c>use_lockfile</c>), then in a loop of <c>lock_retries</c> tries <c>lock_interval</c> apart: lstat the name (a
/// symbolic link, a file with more than one link, a file of another owner or not a regular file is refused, never
/// followed), create it (O_EXCL) or open it (O_NOFOLLOW), check that the open file is the one looked at, and take an fcntl
/// write lock (<c>use_fcntl_lock</c>, waiting up to <c>lock_fcntl_timeout</c>). The message goes at the end and is fsynced
/// (with the directory, for a new file) before the delivery counts; a write that fails cuts the file back to its length
/// before (ftruncate), so a mailbox never keeps half a message.
/// </summary>
internal sealed class Mailbox(AppendfileSettings settings, string primaryHostname)
{
    private static long _hitches;

    public async Task<Attempt> AppendAsync(string path, Exim.Abstractions.Transports.IDeliveryMessage message, bool redirected, CancellationToken cancellationToken)
    {
        var mayCreate = MessageDirectory.MayCreate(settings, path);
        if (settings.CreateDirectory && mayCreate)
        {
            var parent = Path.GetDirectoryName(path)!;
            try
            {
                Directory.CreateDirectory(parent, (UnixFileMode)settings.DirectoryMode);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Attempt.Defer($"failed to create directories for {path}: {Native.Describe(Attempt.ErrnoOf(e))}", Attempt.ErrnoOf(e));
            }
        }

        var lockName = path + ".lock";
        if (settings.UseLockfile && await TakeLockFileAsync(path, lockName, cancellationToken).ConfigureAwait(false) is { } notLocked) return notLocked;
        try
        {
            var (handle, created, failed) = await OpenLockedAsync(path, mayCreate, redirected, cancellationToken).ConfigureAwait(false);
            if (handle is null) return failed!;
            using (handle)
            {
                return await WriteAsync(path, handle, created, message, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (settings.UseLockfile) File.Delete(lockName);
        }
    }

    /// <summary>The message at the end of the file, fsynced; on any failure the file is cut back to its length before.</summary>
    private async Task<Attempt> WriteAsync(string path, SafeFileHandle handle, bool created, Exim.Abstractions.Transports.IDeliveryMessage message, CancellationToken cancellationToken)
    {
        long saved;
        try
        {
            saved = Native.FStat(handle).Size;
        }
        catch (NativeException e)
        {
            return Attempt.Defer($"while fstatting opened mailbox {path}", e.Errno);
        }
        if (settings.OverQuota(saved, message.Size, path) is { } full) return full;
        // Unbuffered underneath, so nothing is left to be written after a failure is cut back; buffered above it.
        await using var file = new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0);
        var buffered = new BufferedStream(file, 64 * 1024);
        try
        {
            file.Position = saved;
            await AppendfileTransport.WriteMessageAsync(buffered, message, settings, cancellationToken).ConfigureAwait(false);
            await buffered.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
            if (created) Native.FsyncDirectory(Path.GetDirectoryName(path)!);
            return Attempt.Delivered;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            Truncate(handle, saved);
            if (e is OperationCanceledException) throw;
            return Attempt.Defer($"error while writing to {path}", e);
        }
    }

    /// <summary>Exim's recovery from a failed write: the file back to the length it had.</summary>
    private static void Truncate(SafeFileHandle handle, long saved)
    {
        try
        {
            Native.Truncate(handle, saved);
        }
        catch (NativeException)
        {
            // Exim only notes "Error resetting file size" in its debug output.
        }
    }

    /// <summary>
    /// Exim's lock file: a uniquely named hitching post linked to <c>path.lock</c>; a lock file older than
    /// <c>lockfile_timeout</c> is removed as stale. Null when the lock file is ours.
    /// </summary>
    private async Task<Attempt?> TakeLockFileAsync(string path, string lockName, CancellationToken cancellationToken)
    {
        for (var i = 0; i < settings.LockRetries; i++)
        {
            if (i > 0) await Task.Delay(settings.LockInterval, cancellationToken).ConfigureAwait(false);
            // Exim's name is lock.host.time.pid; the counter keeps two deliveries of this one process apart.
            var hitch = string.Create(CultureInfo.InvariantCulture,
                $"{lockName}.{primaryHostname}.{DateTimeOffset.UtcNow.ToUnixTimeSeconds():x8}.{Environment.ProcessId:x8}.{Interlocked.Increment(ref _hitches)}");
            try
            {
                Native.Open(hitch, Native.OWrOnly | Native.OCreat | Native.OExcl, settings.LockfileMode).Dispose();
            }
            catch (NativeException e)
            {
                return Attempt.Defer($"creating lock file hitching post {hitch} (euid={Native.EffectiveUid})", e.Errno);
            }
            bool linked;
            try
            {
                linked = Native.Link(hitch, lockName);
            }
            finally
            {
                File.Delete(hitch);
            }
            if (linked) return null;
            try
            {
                if (File.GetLastWriteTimeUtc(lockName) < DateTime.UtcNow - settings.LockfileTimeout) File.Delete(lockName);
            }
            catch (IOException)
            {
                // Gone meanwhile: the next try takes it.
            }
        }
        return Attempt.Defer($"failed to lock mailbox {path} (lock file)", Attempt.LockFailed);
    }

    /// <summary>
    /// Exim's open-and-lock loop: the file created or opened and checked, then locked; a lock held by another is waited
    /// for by closing, sleeping <c>lock_interval</c> and starting again. Returns the open, locked file, or why not.
    /// </summary>
    private async Task<(SafeFileHandle? Handle, bool Created, Attempt? Failed)> OpenLockedAsync(string path, bool mayCreate, bool redirected, CancellationToken cancellationToken)
    {
        var opened = false;
        for (var i = 0; i < settings.LockRetries; i++)
        {
            var (handle, created, failed) = OpenChecked(path, mayCreate, redirected);
            if (failed is not null) return (null, false, failed);
            if (handle is null) continue; // created or removed as we looked: look again
            opened = true;
            if (!settings.UseFcntlLock || await LockAsync(handle, cancellationToken).ConfigureAwait(false)) return (handle, created, null);
            handle.Dispose();
            if (settings.LockFcntlTimeout <= TimeSpan.Zero && i + 1 < settings.LockRetries) await Task.Delay(settings.LockInterval, cancellationToken).ConfigureAwait(false);
        }
        return opened
            ? (null, false, Attempt.Defer($"failed to lock mailbox {path} (fcntl/flock)", Attempt.LockFailed))
            : (null, false, Attempt.Defer($"mailbox {path}: existence unclear", Attempt.ExistRace, freeze: true));
    }

    /// <summary>The fcntl lock, waited for up to <c>lock_fcntl_timeout</c> (0: not at all).</summary>
    private async Task<bool> LockAsync(SafeFileHandle handle, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + settings.LockFcntlTimeout;
        while (true)
        {
            if (Native.TryLock(handle)) return true;
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One pass of Exim's checks: (handle, created, null), (null, false, null) to look again, or the failure.</summary>
    private (SafeFileHandle? Handle, bool Created, Attempt? Failed) OpenChecked(string path, bool mayCreate, bool redirected)
    {
        FileStatus? seen;
        try
        {
            seen = Native.LStat(path);
        }
        catch (NativeException e)
        {
            return (null, false, Attempt.Defer($"attempting to stat mailbox {path}", e.Errno));
        }

        if (seen is null)
        {
            if (!mayCreate)
            {
                return (null, false, Attempt.Defer($"mailbox {path} does not exist, but creation outside the home directory is not permitted", Attempt.BadCreate));
            }
            SafeFileHandle created;
            try
            {
                created = Native.Open(path, Native.ORdWr | Native.OAppend | Native.OCreat | Native.OExcl | Native.ONoFollow, settings.Mode);
            }
            catch (NativeException e) when (e.Errno == Native.Eexist)
            {
                return (null, false, null);
            }
            catch (NativeException e)
            {
                // A redirected name the user got wrong fails; anything else may be the configuration's and defers.
                var message = $"while creating mailbox {path}";
                return (null, false, redirected && e.Errno is Native.Eperm or Native.Enoent or Native.Eacces ? Attempt.Fail(message, e.Errno) : Attempt.Defer(message, e.Errno));
            }
            try
            {
                Native.FChmod(created, settings.Mode); // the umask narrowed it
                return (created, true, null);
            }
            catch (NativeException e)
            {
                created.Dispose();
                return (null, false, Attempt.Fail($"while setting perms on mailbox {path}", e.Errno));
            }
        }

        var status = seen.Value;
        var link = status.Type == FileStatus.SymbolicLink ? " (symlink)" : "";
        var uid = Native.EffectiveUid;
        if (settings.CheckOwner && status.Uid != uid) return (null, false, Attempt.Defer($"mailbox {path}{link} has wrong uid ({status.Uid} != {uid})", Attempt.BadOwner));
        if (status.Links != 1) return (null, false, Attempt.Defer($"mailbox {path}{link} has too many links ({status.Links})", Attempt.NotRegular));
        if (status.Type != FileStatus.Regular) return (null, false, Attempt.Defer($"mailbox {path} is not a regular file", Attempt.NotRegular));
        var mode = status.Permissions;
        var narrow = false;
        if (mode != settings.Mode)
        {
            var diffs = mode ^ settings.Mode;
            // Wider than the mode: narrowed. Narrower: refused (mode_fail_narrower), or left as it is.
            if ((diffs & mode) == diffs) narrow = true;
            else if (settings.ModeFailNarrower) return (null, false, Attempt.Defer($"mailbox {path} has the wrong mode {Convert.ToString(mode, 8)} ({Convert.ToString(settings.Mode, 8)} expected)", Attempt.BadMode));
        }

        SafeFileHandle handle;
        try
        {
            handle = Native.Open(path, Native.ORdWr | Native.OAppend | Native.ONoFollow, 0);
        }
        catch (NativeException e) when (e.Errno == Native.Enoent)
        {
            return (null, false, null);
        }
        catch (NativeException e)
        {
            return (null, false, Attempt.Defer(e.Errno == Native.Eloop ? $"mailbox {path} is not a regular file" : $"while opening mailbox {path}", e.Errno == Native.Eloop ? Attempt.NotRegular : e.Errno));
        }
        try
        {
            var open = Native.FStat(handle);
            Attempt? changed = open.Inode != status.Inode ? Attempt.Defer($"opened mailbox {path} inode number changed from {status.Inode} to {open.Inode}", Attempt.InodeChanged, freeze: true)
                : open.Type != FileStatus.Regular ? Attempt.Defer($"opened mailbox {path} is no longer a regular file", Attempt.NotRegular, freeze: true)
                : settings.CheckOwner && open.Uid != uid ? Attempt.Defer($"opened mailbox {path} has wrong uid or gid", Attempt.BadOwner, freeze: true)
                : null;
            if (changed is null)
            {
                if (narrow) Native.FChmod(handle, settings.Mode);
                return (handle, false, null);
            }
            handle.Dispose();
            return (null, false, changed);
        }
        catch (NativeException e)
        {
            handle.Dispose();
            return (null, false, Attempt.Defer($"attempting to stat open mailbox {path}", e.Errno));
        }
    }
}
