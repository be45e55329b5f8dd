using System.Text;
using System.Threading.Channels;
using Exim.Mail.Native;

namespace Exim.Mail.Spool;

/// <summary>
/// The durable spool under <c>spool_directory/input/</c> (and <c>spool_directory/&lt;name&gt;/input/</c> for a message put in a
/// named queue; with <c>split_spool_directory</c>, their subdirectory named by the id's sixth character). A message's data goes to <c>&lt;id&gt;-D</c> as it is received;
/// its envelope and headers to <c>&lt;id&gt;-H.tmp</c>. Committing fsyncs both, renames the -H file into place and
/// fsyncs the directory; only then does <see cref="CommitAsync"/> complete, and only then may 250 be sent.
/// A queue runner only looks at -H files, so a crash at any point leaves either a complete message or an
/// orphan -D file (and perhaps its -H.tmp) that nobody delivers; the reception holds the -D file's lock
/// (<see cref="DataFileLock"/>) from <see cref="Create"/> until its -H file is in place, so <see cref="SpoolTidier"/> can
/// tell such leftovers from a reception in progress.
/// <para>Group commit: commits that arrive while one is in progress are batched, and under load one flush serves two
/// batches (see <see cref="CommitLoopAsync"/>).</para>
/// </summary>
internal sealed class FileSpool : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private readonly Channel<PendingCommit> _commits = Channel.CreateUnbounded<PendingCommit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _committer;
    private readonly TimeProvider _time;
    private readonly string _spoolDirectory;
    private long _batches;
    private long _committed;
    private long _flushes;

    /// <param name="spoolDirectory">The spool.</param>
    /// <param name="time">Where message ids take their time from.</param>
    /// <param name="syncFilesystem"><c>spool_sync = "filesystem"</c>: batches are made durable with syncfs.</param>
    /// <param name="split"><c>split_spool_directory</c>: new messages go to <c>input/X/</c> (see <see cref="SpoolPaths"/>).</param>
    public FileSpool(string spoolDirectory, TimeProvider time, bool syncFilesystem, bool split = false)
    {
        _time = time;
        Split = split;
        // syncfs only reports writeback errors from Linux 5.8 on; before that, a failed write would go unnoticed.
        SyncFilesystem = syncFilesystem && Environment.OSVersion.Version >= new Version(5, 8);
        _spoolDirectory = spoolDirectory;
        InputDirectory = SpoolPaths.EnsureInput(spoolDirectory, null);
        _committer = Task.Run(CommitLoopAsync);
    }

    public string InputDirectory { get; }

    /// <summary>Whether new messages go to the split subdirectories (<c>split_spool_directory</c>).</summary>
    public bool Split { get; }

    /// <summary>Whether batches are made durable with syncfs (else by fsync of each file).</summary>
    public bool SyncFilesystem { get; }

    /// <summary>Batches committed so far; with <see cref="Committed"/>, shows how well group commit batches.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    public long Committed => Interlocked.Read(ref _committed);

    /// <summary>Flushes so far (a batch's file syncs, a renamed batch's directory syncs, or both at once under load).</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    /// <summary>Starts a message in <paramref name="queue"/> (null: the default queue), creating a named queue's directory on first use.</summary>
    public SpoolMessage Create(string? queue = null)
    {
        var id = MessageId.Next(_time);
        var input = queue is null && !Split ? InputDirectory : SpoolPaths.EnsureMessageInput(_spoolDirectory, queue, id, Split);
        var path = Path.Combine(input, id + "-D");
        FileStream stream;
        try
        {
            stream = CreateDataFile(path);
        }
        catch (IOException e) when (e is DirectoryNotFoundException or FileNotFoundException && input != InputDirectory)
        {
            // A named queue's or a split subdirectory's directory removed by hand since this process made it durable: made
            // again. (.NET calls a create's ENOENT FileNotFound when the directory exists by the time it looks.)
            SpoolPaths.Forget(input);
            SpoolPaths.Forget(SpoolPaths.Input(_spoolDirectory, queue));
            SpoolPaths.EnsureMessageInput(_spoolDirectory, queue, id, Split);
            stream = CreateDataFile(path);
        }
        // The reception's lock, held until the -H file is in place (or the message abandoned): the tidier leaves a -D
        // file it cannot lock alone, and never tries to lock one as new as this.
        if (!Posix.TryLockExclusive(stream.SafeFileHandle))
        {
            stream.Dispose();
            File.Delete(path);
            throw new IOException($"could not lock the new spool file {path}");
        }
        var data = new SpoolDataStream(stream);
        Span<byte> firstLine = stackalloc byte[MessageId.Length + 3];
        Encoding.ASCII.GetBytes(id, firstLine);
        "-D\n"u8.CopyTo(firstLine[MessageId.Length..]);
        data.Write(firstLine);
        return new SpoolMessage(id, path, data, input, queue);
    }

    private static FileStream CreateDataFile(string path) => new(path, new FileStreamOptions
    {
        Mode = FileMode.CreateNew,
        Access = FileAccess.Write,
        Share = FileShare.Read,
        BufferSize = 0, // unbuffered: SpoolDataStream gathers the writes in a pooled buffer, not a new 16 KB one per message
        UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
    });

    /// <summary>Makes the message durable; completes only when it is safe to acknowledge it.</summary>
    public Task CommitAsync(SpoolMessage message, Envelope envelope, IReadOnlyList<string> headers, CancellationToken cancellationToken)
        => CommitAsync(message, envelope, SpoolHeaderFile.Lines(headers), cancellationToken);

    /// <summary>Makes the message durable with these -H header lines (flags included); completes only when it is safe to acknowledge it.</summary>
    public async Task CommitAsync(SpoolMessage message, Envelope envelope, IReadOnlyList<SpoolHeaderLine> headers, CancellationToken cancellationToken)
    {
        await message.Data.FlushAsync(cancellationToken).ConfigureAwait(false);
        var headerPath = Path.Combine(message.InputDirectory, message.Id + "-H");
        var temp = headerPath + ".tmp";
        var header = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            BufferSize = 0,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        try
        {
            await header.WriteAsync(Encoding.Latin1.GetBytes(SpoolHeaderFile.Format(message.Id, envelope, headers)), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await header.DisposeAsync().ConfigureAwait(false);
            File.Delete(temp);
            throw;
        }
        var pending = new PendingCommit(message, header, temp, headerPath);
        ObjectDisposedException.ThrowIf(!_commits.Writer.TryWrite(pending), this);
        await pending.Done.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Moves a message still being received into <paramref name="queue"/> (null: the default queue), before it is committed:
    /// its -D file is renamed into that queue's input directory and keeps its lock (the open file is the same).
    /// </summary>
    public SpoolMessage MoveToQueue(SpoolMessage message, string? queue)
    {
        if (string.Equals(message.Queue, queue, StringComparison.Ordinal)) return message;
        var input = queue is null && !Split ? InputDirectory : SpoolPaths.EnsureMessageInput(_spoolDirectory, queue, message.Id, Split);
        var path = Path.Combine(input, message.Id + "-D");
        File.Move(message.DataPath, path, overwrite: false);
        return new SpoolMessage(message.Id, path, message.Data, input, queue);
    }

    /// <summary>Removes a message that will not be acknowledged (its file first, then its lock).</summary>
    public static async Task AbandonAsync(SpoolMessage message)
    {
        TryDelete(message.DataPath);
        await message.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _commits.Writer.TryComplete();
        await _committer.ConfigureAwait(false);
    }

    /// <summary>
    /// The committer: one batch at a time is made durable, and batches are pipelined so that under load one flush serves
    /// two of them. A batch's files are synced (with <c>spool_sync = "file"</c> an fsync of each -D and -H.tmp file, in
    /// parallel; with <c>"filesystem"</c> a syncfs per filesystem) and its -H files renamed into place; the rename becomes
    /// durable by the directory's sync, and only then are its sessions told. When more commits are waiting by then, that
    /// directory sync is the next batch's flush: with <c>"file"</c> the directories' fsyncs run alongside the next batch's
    /// file fsyncs (the filesystem merges them into one journal commit); with <c>"filesystem"</c> the next batch's syncfs
    /// covers them (it writes all of the filesystem's data and metadata, directories included). When nothing is waiting, the
    /// directories are fsynced at once. So every message still has its files synced before the rename and the rename synced
    /// before its 250, at two flushes per batch when idle and one under load.
    /// </summary>
    private async Task CommitLoopAsync()
    {
        var reader = _commits.Reader;
        List<PendingCommit>? renamed = null; // renamed into place; their directories not yet synced
        while (renamed is not null || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var batch = new List<PendingCommit>();
            while (batch.Count < MaxBatch && reader.TryRead(out var p)) batch.Add(p);
            var settling = renamed;
            renamed = null;
            try
            {
                await FlushAsync(batch, settling).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Nothing in these batches is known to be durable: fail them all (the sessions answer 451) and tidy up.
                if (settling is not null) await FailAsync(settling, e).ConfigureAwait(false);
                await FailAsync(batch, e).ConfigureAwait(false);
                continue;
            }
            if (settling is not null) await CompleteAsync(settling).ConfigureAwait(false);
            if (batch.Count == 0) continue;
            try
            {
                foreach (var p in batch) Posix.RenameNoReplace(p.TempPath, p.FinalPath);
                renamed = batch;
            }
            catch (Exception e)
            {
                await FailAsync(batch, e).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One flush: the files of <paramref name="batch"/> (not yet renamed), and the directories of <paramref name="settling"/> (renamed).</summary>
    private async Task FlushAsync(List<PendingCommit> batch, List<PendingCommit>? settling)
    {
        Interlocked.Increment(ref _flushes);
        var settlingDirectories = settling is null ? [] : settling.Select(p => p.Message.InputDirectory).Distinct(StringComparer.Ordinal).ToList();
        if (batch.Count == 0)
        {
            foreach (var directory in settlingDirectories) Posix.FsyncDirectory(directory);
            return;
        }
        if (SyncFilesystem)
        {
            // One syncfs per directory (a named queue may sit on another filesystem: a mount or a symlink); it covers the
            // renamed batch's directories too, so those need none of their own.
            foreach (var directory in batch.Select(p => p.Message.InputDirectory).Concat(settlingDirectories).Distinct(StringComparer.Ordinal))
            {
                Posix.SyncFilesystem(directory);
            }
            return;
        }
        var work = new List<Action>(batch.Count * 2 + settlingDirectories.Count);
        foreach (var directory in settlingDirectories) work.Add(() => Posix.FsyncDirectory(directory));
        foreach (var p in batch)
        {
            work.Add(() => p.Message.Data.FlushToDisk());
            work.Add(() => p.Header.Flush(flushToDisk: true));
        }
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 16 }, static (action, _) =>
        {
            action();
            return ValueTask.CompletedTask;
        }).ConfigureAwait(false);
    }

    private async Task CompleteAsync(List<PendingCommit> batch)
    {
        foreach (var p in batch) await p.DisposeAsync().ConfigureAwait(false); // the reception's lock goes last
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _committed, batch.Count);
        foreach (var p in batch) p.Done.TrySetResult();
    }

    private static async Task FailAsync(List<PendingCommit> batch, Exception e)
    {
        foreach (var p in batch)
        {
            TryDelete(p.TempPath);
            TryDelete(p.FinalPath);
            TryDelete(p.Message.DataPath);
            await p.DisposeAsync().ConfigureAwait(false);
            p.Done.TrySetException(e);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private sealed record PendingCommit(SpoolMessage Message, FileStream Header, string TempPath, string FinalPath) : IAsyncDisposable
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask DisposeAsync()
        {
            await Header.DisposeAsync().ConfigureAwait(false);
            await Message.DisposeAsync().ConfigureAwait(false);
        }
    }
}
