using System.Diagnostics;
using System.Globalization;
using Exim.Abstractions.Hints;
using Exim.Mail.Native;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Hints;

/// <summary>
/// The core's hints store: one SQLite file, <c>&lt;spool&gt;/db/hints.sqlite</c>, one table for every database
/// (<c>hints(db, key, value, updated)</c>, keyed by database and key, so a scan of one database is in key order).
/// <para>Why SQLite: several processes (the daemon, its queue runners, <c>-M</c>, <c>--tidydb</c>) read and write at once,
/// and SQLite's WAL mode gives readers that never wait and writers that serialise on a lock held for microseconds, with
/// crash safety, in one file that needs no server and no setup. Writes cost a WAL append (synchronous=NORMAL: a power
/// cut may lose the last moments of hints, never the database), not a rewrite of everything.</para>
/// <para>One connection per process and file, guarded by a lock: every statement takes microseconds, and SQLite
/// wants one library instance per process for a file anyway (its POSIX locks are per process).</para>
/// <para>Never stops mail: a file that is not a database or is corrupt is logged to the main and panic logs, moved aside
/// (<c>hints.sqlite.corrupt-&lt;time&gt;.&lt;pid&gt;</c>, with its -wal and -shm files) under <c>db/hints.lockfile</c> and recreated
/// empty; a file that cannot be opened (permissions, a full disk, a lock held too long) is logged once and reads as
/// empty and swallows writes until it can be opened again (tried at most every <see cref="RetryOpenAfter"/>); an atomic
/// update on it throws <see cref="HintsUnavailableException"/> instead.</para>
/// </summary>
internal sealed partial class SqliteHintsStore : IHintsStore, IDisposable
{
    public const string FileName = "hints.sqlite";
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;
    private static readonly TimeSpan RetryOpenAfter = TimeSpan.FromSeconds(10);
    // Writers hold the lock for microseconds; waiting longer means something is wrong, and the wait blocks a thread (and a
    // policy, whose budget is a few seconds), so it is short.
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private Statements? _open;
    private long _failedAt = long.MinValue; // the time provider's timestamp of the last failure to open, while failing
    private bool _disposed;

    public SqliteHintsStore(string spoolDirectory, ILogger logger, TimeProvider? time = null)
    {
        Directory = Path.Combine(spoolDirectory, "db");
        FilePath = Path.Combine(Directory, FileName);
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    public string Directory { get; }

    public string FilePath { get; }

    public ValueTask<HintsRecord?> GetAsync(string database, string key, CancellationToken cancellationToken)
    {
        Check(database, key, cancellationToken);
        return new(Run(s => s.Get(database, key), null));
    }

    public ValueTask PutAsync(string database, string key, string value, CancellationToken cancellationToken)
    {
        Check(database, key, cancellationToken);
        ArgumentNullException.ThrowIfNull(value);
        var now = Stamp();
        Run(s => s.Put(database, key, value, now), false);
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> DeleteAsync(string database, string key, CancellationToken cancellationToken)
    {
        Check(database, key, cancellationToken);
        return new(Run(s => s.Delete(database, key), false));
    }

    public ValueTask<TResult> UpdateAsync<TResult>(string database, string key, Func<HintsRecord?, (HintsChange Change, TResult Result)> update,
        CancellationToken cancellationToken)
    {
        Check(database, key, cancellationToken);
        ArgumentNullException.ThrowIfNull(update);
        TResult result = default!;
        var done = Run(s =>
        {
            s.Begin();
            try
            {
                var (change, r) = update(s.Get(database, key));
                switch (change.Kind)
                {
                    case HintsChangeKind.Write: s.Put(database, key, change.Value!, Stamp()); break;
                    case HintsChangeKind.Delete: s.Delete(database, key); break;
                }
                s.Commit();
                result = r;
            }
            catch
            {
                s.Rollback();
                throw;
            }
            return true;
        }, false);
        // A computation on a store that cannot be used would act on a rate or a count that is not there: say so instead.
        return done ? new(result) : throw new HintsUnavailableException($"{database} database not available");
    }

    public IAsyncEnumerable<HintsRecord> EnumerateAsync(string database, CancellationToken cancellationToken)
    {
        Check(database, "", cancellationToken);
        // Read under the lock, handed out after it: a slow consumer must not hold up every other user of the store.
        return Run(s => s.All(database), []).ToAsyncEnumerable();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            Close();
        }
    }

    private static void Check(string database, string key, CancellationToken cancellationToken)
    {
        if (!HintsDatabases.IsValidName(database)) throw new ArgumentException($"\"{database}\" is not a hints database name", nameof(database));
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private long Stamp() => (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / 10; // microseconds

    /// <summary>Runs <paramref name="operation"/> on the open database; <paramref name="empty"/> when the store cannot be used.</summary>
    private T Run<T>(Func<Statements, T> operation, T empty)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (var attempt = 0; attempt < 2; attempt++)
            {
                if (Opened() is not { } statements) return empty;
                try
                {
                    return operation(statements);
                }
                catch (SqliteException e) when (IsCorrupt(e) && attempt == 0)
                {
                    Close();
                    Recover(e);
                }
                catch (SqliteException e) when (e.SqliteErrorCode is SqliteBusy or SqliteLocked)
                {
                    // Another process held the write lock past the busy timeout: this one operation is lost, the store is fine.
                    HintsLog.LockTimedOut(_logger, FilePath);
                    return empty;
                }
                catch (SqliteException e)
                {
                    Close();
                    Failed(e.Message);
                    return empty;
                }
            }
            return empty;
        }
    }

    private static bool IsCorrupt(SqliteException e) => e.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase;

    private Statements? Opened()
    {
        if (_open is not null) return _open;
        if (_failedAt != long.MinValue && _time.GetElapsedTime(_failedAt) < RetryOpenAfter) return null;
        try
        {
            _open = Statements.Open(FilePath);
            if (_failedAt != long.MinValue) HintsLog.Reopened(_logger, FilePath);
            _failedAt = long.MinValue;
            return _open;
        }
        catch (SqliteException e) when (IsCorrupt(e))
        {
            Recover(e);
            return _open;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            Failed(e.Message);
            return null;
        }
    }

    private void Failed(string reason)
    {
        if (_failedAt == long.MinValue) HintsLog.OpenFailed(_logger, FilePath, reason);
        _failedAt = _time.GetTimestamp();
    }

    private void Close()
    {
        _open?.Dispose();
        _open = null;
    }

    /// <summary>
    /// Moves a corrupt file aside and starts an empty one. Under <c>db/hints.lockfile</c>, so of several processes that
    /// find the corruption at once one moves the file; the others then find a healthy (new) file and use it.
    /// </summary>
    private void Recover(SqliteException cause)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            using var lockFile = new FileStream(Path.Combine(Directory, "hints.lockfile"), new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.ReadWrite | FileShare.Delete,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            var deadline = Stopwatch.GetTimestamp() + (long)(BusyTimeout.TotalSeconds * Stopwatch.Frequency);
            while (!Posix.TryLockExclusive(lockFile.SafeFileHandle))
            {
                if (Stopwatch.GetTimestamp() > deadline) throw new IOException($"could not lock {lockFile.Name} within {BusyTimeout.TotalSeconds}s");
                Thread.Sleep(5);
            }
            try
            {
                if (Healthy()) return;
                var aside = $"{FilePath}.corrupt-{_time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
                File.Move(FilePath, aside, overwrite: true);
                foreach (var suffix in (ReadOnlySpan<string>)["-wal", "-shm"])
                {
                    if (File.Exists(FilePath + suffix)) File.Move(FilePath + suffix, aside + suffix, overwrite: true);
                }
                HintsLog.Corrupt(_logger, FilePath, cause.Message, aside);
                _open = Statements.Open(FilePath);
                _failedAt = long.MinValue;
            }
            finally
            {
                Posix.Unlock(lockFile.SafeFileHandle); // before the close: a child being started may share the open file
            }
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            Close();
            Failed(e.Message);
        }
    }

    /// <summary>Whether the file opens and passes SQLite's quick check (another process may have replaced it already).</summary>
    private bool Healthy()
    {
        Statements? candidate = null;
        try
        {
            candidate = Statements.Open(FilePath);
            if (!candidate.QuickCheck()) return false;
            (_open, candidate) = (candidate, null);
            _failedAt = long.MinValue;
            return true;
        }
        catch (SqliteException e) when (IsCorrupt(e))
        {
            return false;
        }
        finally
        {
            candidate?.Dispose();
        }
    }
}
