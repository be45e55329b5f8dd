namespace Exim.Abstractions.Hints;

/// <summary>
/// Exim's hints databases (<c>spool/db/retry</c>, <c>ratelimit</c>, ...): small named key-value tables that survive restarts
/// and are shared by the daemon, its queue runners and every other exim process at once. Each record carries the time it
/// was last written, which <c>exim --tidydb</c> prunes by. Hints only: a store that cannot be read behaves as an empty one
/// and never stops mail, so no method throws for a broken or unreadable store (only for a bad argument or cancellation),
/// except <see cref="UpdateAsync{TResult}"/>, whose callers rely on its atomicity: it throws
/// <see cref="HintsUnavailableException"/> rather than compute on a store it cannot use.
/// </summary>
/// <remarks>
/// The core's default is SQLite, one file <c>spool/db/hints.sqlite</c>. A plugin may register another implementation
/// under <see cref="Plugins.StrategyKeys.HintsStore"/>; the core then uses it for every database. Implementations must be safe for
/// concurrent use by many tasks and by several processes.
/// </remarks>
public interface IHintsStore
{
    /// <summary>The record for <paramref name="key"/>, or null when there is none.</summary>
    /// <param name="database">The database, e.g. <see cref="HintsDatabases.Retry"/>: lower-case letters, digits and <c>_</c>.</param>
    /// <param name="key">The record's key.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    ValueTask<HintsRecord?> GetAsync(string database, string key, CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="value"/> under <paramref name="key"/>, replacing any record, stamped with the current time.</summary>
    /// <param name="database">The database.</param>
    /// <param name="key">The record's key.</param>
    /// <param name="value">The record's data.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    ValueTask PutAsync(string database, string key, string value, CancellationToken cancellationToken);

    /// <summary>Removes the record for <paramref name="key"/>; true when there was one.</summary>
    /// <param name="database">The database.</param>
    /// <param name="key">The record's key.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    ValueTask<bool> DeleteAsync(string database, string key, CancellationToken cancellationToken);

    /// <summary>
    /// Reads, computes and writes one record atomically, even against other processes: nobody else writes
    /// <paramref name="key"/> between the read that <paramref name="update"/> sees and the change it returns (Exim's
    /// ratelimit and retry updates read, compute and write). <paramref name="update"/> gets the current record (null:
    /// none) and returns the change to make and a result handed back to the caller. It may be called more than once (an
    /// implementation may retry after a conflict), so it must not have side effects; it should be quick, since writers
    /// of the same database wait for it.
    /// </summary>
    /// <typeparam name="TResult">What the computation hands back, e.g. the rate just computed.</typeparam>
    /// <param name="database">The database.</param>
    /// <param name="key">The record's key.</param>
    /// <param name="update">The computation.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <exception cref="HintsUnavailableException">The store cannot be used now; nothing was changed.</exception>
    ValueTask<TResult> UpdateAsync<TResult>(string database, string key, Func<HintsRecord?, (HintsChange Change, TResult Result)> update,
        CancellationToken cancellationToken);

    /// <summary>Every record of <paramref name="database"/>, in key order (what <c>exim --dumpdb</c> shows).</summary>
    /// <param name="database">The database.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    IAsyncEnumerable<HintsRecord> EnumerateAsync(string database, CancellationToken cancellationToken);
}
