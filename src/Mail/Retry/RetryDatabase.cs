using System.Globalization;
using System.Text;
using Exim.Abstractions.Hints;

namespace Exim.Mail.Retry;

/// <summary>
/// The retry hints database (Exim's <c>db/retry</c>), kept in the hints store as database <see cref="HintsDatabases.Retry"/>:
/// one record per failing host or address, looked up by key, so what a delivery costs does not grow with the number of
/// records. A record's value is <c>first_failed TAB last_try TAB next_try TAB expired TAB errno TAB text</c> (times in
/// Unix seconds). Each record is written whole, so two processes updating one key at once lose at most the older update,
/// which only makes a host be tried a little early or late; a store that cannot be read reads as empty (everything is
/// tried), as Exim treats a missing retry database.
/// <para>The text file the retry database used to be (<c>db/retry</c>, the key and that value on one line) is imported
/// once, on first use, and renamed <c>db/retry.imported</c>.</para>
/// </summary>
internal sealed class RetryDatabase(IHintsStore store, string spoolDirectory)
{
    private Task? _import;
    private object? _importLock;

    public IHintsStore Store { get; } = store;

    /// <summary>The old text file, imported on first use.</summary>
    public string LegacyFilePath { get; } = Path.Combine(spoolDirectory, "db", "retry");

    /// <summary>The record for <paramref name="key"/>, or null.</summary>
    public async ValueTask<RetryRecord?> FindAsync(string key, CancellationToken cancellationToken)
    {
        await ImportOnceAsync(cancellationToken).ConfigureAwait(false);
        return await Store.GetAsync(HintsDatabases.Retry, key, cancellationToken).ConfigureAwait(false) is { } record
            && TryParse(key, record.Value, out var retry) ? retry : null;
    }

    /// <summary>
    /// <see cref="FindAsync"/> for the synchronous places that ask (a transport deciding whether a host may be tried); the
    /// core's store always answers synchronously, a plugin's that does not is waited for.
    /// </summary>
    public RetryRecord? Find(string key)
    {
        var pending = FindAsync(key, CancellationToken.None);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Applies changes: a record replaces the one with its key, a key alone (null record) deletes it.</summary>
    public async ValueTask UpdateAsync(IReadOnlyDictionary<string, RetryRecord?> changes, CancellationToken cancellationToken)
    {
        await ImportOnceAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (key, record) in changes)
        {
            if (record is null) await Store.DeleteAsync(HintsDatabases.Retry, key, cancellationToken).ConfigureAwait(false);
            else await Store.PutAsync(HintsDatabases.Retry, key, Format(record), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every record, in key order (for <c>exim --dumpdb retry</c> and tests).</summary>
    public async IAsyncEnumerable<(RetryRecord Record, DateTimeOffset Updated)> AllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await ImportOnceAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var r in Store.EnumerateAsync(HintsDatabases.Retry, cancellationToken).ConfigureAwait(false))
        {
            if (TryParse(r.Key, r.Value, out var retry)) yield return (retry, r.Updated);
        }
    }

    public static string Format(RetryRecord r)
    {
        var ci = CultureInfo.InvariantCulture;
        return new StringBuilder()
            .Append(r.FirstFailed.ToUnixTimeSeconds().ToString(ci)).Append('\t')
            .Append(r.LastTry.ToUnixTimeSeconds().ToString(ci)).Append('\t')
            .Append(r.NextTry.ToUnixTimeSeconds().ToString(ci)).Append('\t')
            .Append(r.Expired ? '1' : '0').Append('\t')
            .Append(r.Errno.ToString(ci)).Append('\t')
            .Append(Clean(r.Text)).ToString();
    }

    public static bool TryParse(string key, string value, out RetryRecord record)
    {
        record = null!;
        var f = value.Split('\t');
        if (f.Length != 6) return false;
        var ci = CultureInfo.InvariantCulture;
        if (!long.TryParse(f[0], NumberStyles.AllowLeadingSign, ci, out var first)
            || !long.TryParse(f[1], NumberStyles.AllowLeadingSign, ci, out var last)
            || !long.TryParse(f[2], NumberStyles.AllowLeadingSign, ci, out var next)
            || !int.TryParse(f[4], NumberStyles.AllowLeadingSign, ci, out var errno)) return false;
        try
        {
            record = new RetryRecord(key, DateTimeOffset.FromUnixTimeSeconds(first), DateTimeOffset.FromUnixTimeSeconds(last),
                DateTimeOffset.FromUnixTimeSeconds(next), f[3] == "1", errno, f[5]);
        }
        catch (ArgumentOutOfRangeException)
        {
            return false; // a time beyond DateTimeOffset's range: a damaged record is no record
        }
        return true;
    }

    private static string Clean(string s) => s.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');

    /// <summary>
    /// Moves the records of the old text file (one <c>key TAB value</c> line each) into the store, once per process: every
    /// caller waits for the one import. The file is renamed only once every record is in the store, so no other process
    /// imports it again and none is lost; two processes importing at once write the same records.
    /// </summary>
    private Task ImportOnceAsync(CancellationToken cancellationToken)
    {
        var import = LazyInitializer.EnsureInitialized(ref _import, ref _importLock, () => Task.Run(ImportAsync, CancellationToken.None));
        return import.IsCompleted ? import : import.WaitAsync(cancellationToken);
    }

    private async Task ImportAsync()
    {
        if (!File.Exists(LegacyFilePath)) return;
        try
        {
            foreach (var line in File.ReadLines(LegacyFilePath, Encoding.UTF8))
            {
                var tab = line.IndexOf('\t', StringComparison.Ordinal);
                if (tab <= 0 || !TryParse(line[..tab], line[(tab + 1)..], out _)) continue;
                var value = line[(tab + 1)..];
                // An update, not a put: it says when the store could not take the record (a put would drop it silently).
                await Store.UpdateAsync(HintsDatabases.Retry, line[..tab], _ => (HintsChange.Write(value), true), CancellationToken.None).ConfigureAwait(false);
            }
            File.Move(LegacyFilePath, LegacyFilePath + ".imported", overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HintsUnavailableException)
        {
            // Another process imported and renamed it first, it cannot be read, or the store cannot take it now: the file
            // stays for the next process. Hints only: nothing is lost that matters.
        }
    }
}
