using System.Globalization;
using Exim.Abstractions.Transports;
using Microsoft.Win32.SafeHandles;

namespace Exim.Plugins.Appendfile;

/// <summary>
/// Delivery to a directory, a new file per message (Exim's appendfile with <c>directory</c>, or a <c>/dir/</c> item). With
/// <c>maildir_format</c>: <c>tmp</c>, <c>new</c> and <c>cur</c> made when missing (<c>create_directory</c>), the message
/// written to <c>tmp/seconds.MmicrosPpidQn.host</c> (O_EXCL, <c>maildir_retries</c> tries), fsynced, renamed into
/// <c>new/</c>, and <c>new/</c> fsynced before the delivery counts. Without it (Exim's smail format): a temporary file in the
/// directory, fsynced, then linked to Exim's default <c>directory_file</c> name <c>q${base62:$tod_epoch}-$inode</c>.
/// </summary>
internal sealed class MessageDirectory(AppendfileSettings settings, string primaryHostname)
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static long _counter;

    /// <summary>
    /// Exim's check_creation for an absolute <c>create_file</c>: a new file only below that directory, with no <c>/../</c> in
    /// its name. True when <c>create_file</c> is <c>anywhere</c>.
    /// </summary>
    public static bool MayCreate(AppendfileSettings settings, string path)
        => settings.CreateBelow is not { } below || path.StartsWith(below + "/", StringComparison.Ordinal) && !path.Contains("/../", StringComparison.Ordinal);

    public async Task<Attempt> DeliverAsync(string path, IDeliveryMessage message, CancellationToken cancellationToken)
    {
        if (!MayCreate(settings, path + "/any"))
        {
            return Attempt.Defer($"tried to create file in {path}, but file creation outside the home directory is not permitted", Attempt.BadCreate);
        }
        if (EnsureDirectories(path) is { } failed) return failed;
        if (settings.Quota > 0 && settings.OverQuota(SizeOf(new DirectoryInfo(path)), message.Size, path) is { } full) return full;
        if (settings.MaildirFormat) return await MaildirAsync(path, message, cancellationToken).ConfigureAwait(false);

        var temp = string.Create(CultureInfo.InvariantCulture, $"{path}/temp.{Environment.ProcessId}.{primaryHostname}.{Interlocked.Increment(ref _counter)}");
        SafeFileHandle handle;
        try
        {
            handle = Native.Open(temp, Native.OWrOnly | Native.OCreat | Native.OExcl | Native.ONoFollow, settings.Mode);
        }
        catch (NativeException e)
        {
            return Attempt.Defer($"while creating file {temp}", e.Errno);
        }
        try
        {
            ulong inode;
            using (handle)
            {
                inode = Native.FStat(handle).Inode;
                if (await WriteAsync(handle, temp, message, cancellationToken).ConfigureAwait(false) is { } notWritten) return notWritten;
            }
            // Exim links rather than renames, so an existing file is never replaced; a name taken waits a second for the next.
            for (var i = 0; ; i++)
            {
                var final = $"{path}/q{Base62Of(DateTimeOffset.UtcNow.ToUnixTimeSeconds())}-{inode}";
                if (Native.Link(temp, final)) break;
                if (i >= 4) return Attempt.Defer($"while renaming {temp} as {final}", Native.Eexist);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
            File.Delete(temp);
            Native.FsyncDirectory(path);
            return Attempt.Delivered;
        }
        catch (NativeException e)
        {
            return Attempt.Defer($"while renaming {temp}", e.Errno);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private async Task<Attempt> MaildirAsync(string path, IDeliveryMessage message, CancellationToken cancellationToken)
    {
        for (var i = 1; ; i++)
        {
            var now = DateTimeOffset.UtcNow;
            var micros = now.ToUnixTimeMilliseconds() % 1000 * 1000 + now.Ticks / 10 % 1000;
            var name = string.Create(CultureInfo.InvariantCulture,
                $"{now.ToUnixTimeSeconds()}.M{micros}P{Environment.ProcessId}Q{Interlocked.Increment(ref _counter)}.{primaryHostname.Replace("/", "\\057", StringComparison.Ordinal).Replace(":", "\\072", StringComparison.Ordinal)}");
            var temp = $"{path}/tmp/{name}";
            SafeFileHandle handle;
            try
            {
                handle = Native.Open(temp, Native.OWrOnly | Native.OCreat | Native.OExcl | Native.ONoFollow, settings.Mode);
            }
            catch (NativeException e)
            {
                if (i >= settings.MaildirRetries) return Attempt.Defer($"failed to open {temp} ({i} tr{(i == 1 ? "y" : "ies")})", e.Errno);
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
                continue;
            }
            try
            {
                using (handle)
                {
                    if (await WriteAsync(handle, temp, message, cancellationToken).ConfigureAwait(false) is { } notWritten) return notWritten;
                }
                var final = $"{path}/new/{name}";
                try
                {
                    File.Move(temp, final);
                }
                catch (IOException e)
                {
                    return Attempt.Defer($"while renaming {temp} as {final}", e);
                }
                Native.FsyncDirectory($"{path}/new");
                return Attempt.Delivered;
            }
            catch (NativeException e)
            {
                return Attempt.Defer($"while renaming {temp}", e.Errno);
            }
            finally
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>The message written and fsynced; null when it was, else why not (the caller removes the file).</summary>
    private async Task<Attempt?> WriteAsync(SafeFileHandle handle, string name, IDeliveryMessage message, CancellationToken cancellationToken)
    {
        try
        {
            Native.FChmod(handle, settings.Mode);
            await using var file = new FileStream(handle, FileAccess.Write, bufferSize: 0);
            var buffered = new BufferedStream(file, 64 * 1024);
            await AppendfileTransport.WriteMessageAsync(buffered, message, settings, cancellationToken).ConfigureAwait(false);
            await buffered.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Attempt.Defer($"error while writing to {name}", e);
        }
    }

    /// <summary>The directory (and for a Maildir its tmp, new and cur) made when missing, if <c>create_directory</c> allows.</summary>
    private Attempt? EnsureDirectories(string path)
    {
        ReadOnlySpan<string> parts = settings.MaildirFormat ? ["", "/tmp", "/new", "/cur"] : [""];
        foreach (var part in parts)
        {
            var dir = path + part;
            FileStatus? status;
            try
            {
                status = Native.LStat(dir);
            }
            catch (NativeException e)
            {
                return Attempt.Defer($"stat() error for {dir}: {e.Message}", e.Errno);
            }
            if (status is { } s)
            {
                if (s.Type != FileStatus.Directory) return Attempt.Defer($"{dir} is not a directory", -5);
                continue;
            }
            if (!settings.CreateDirectory) return Attempt.Defer($"cannot create {dir}", Native.Enoent);
            try
            {
                Directory.CreateDirectory(dir, (UnixFileMode)settings.DirectoryMode);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Attempt.Defer($"cannot create {dir}", e);
            }
        }
        return null;
    }

    /// <summary>Exim's check_dir_size: the sizes of the regular files in the directory and below it (links not followed).</summary>
    private static long SizeOf(DirectoryInfo directory)
    {
        long size = 0;
        foreach (var entry in directory.EnumerateFileSystemInfos("*", new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0 }))
        {
            if (entry.LinkTarget is not null) continue;
            size += entry switch
            {
                FileInfo file => file.Length,
                DirectoryInfo sub => SizeOf(sub),
                _ => 0,
            };
        }
        return size;
    }

    /// <summary>Exim's <c>${base62:n}</c>: six base-62 digits.</summary>
    private static string Base62Of(long value)
    {
        Span<char> digits = stackalloc char[6];
        for (var i = 5; i >= 0; i--)
        {
            digits[i] = Base62[(int)(value % 62)];
            value /= 62;
        }
        return new string(digits);
    }
}
