using System.Globalization;
using Exim.Abstractions.Hints;
using Exim.Mail.Policy;
using Exim.Mail.Retry;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// <c>exim --dumpdb [-z] [-k] &lt;database&gt;</c>: Exim's exim_dumpdb on the hints store, in its formats (exim_dbutil.c):
/// a retry record as <c>  key errno more_errno text</c> and then its first-failed, last-try and next-try times (and
/// <c>*</c> once expired); a ratelimit record as <c>time.usec rate: %10.3f key: ...</c> (with <c>epoch:</c> and
/// <c>size:</c> for a unique key's filter); any other database as <c>time key value</c>. Times are local unless
/// <c>-z</c>; <c>-k</c> prints the keys only.
/// </summary>
internal static class DumpDatabaseCommand
{
    private const string Usage = "usage: exim --dumpdb [-z] [-k] <database-name>  (retry, ratelimit, or a plugin's database)";

    public static async Task<int> RunAsync(CommandLine cl, TextWriter output, TextWriter error)
    {
        var (utc, keysOnly, database) = (false, false, (string?)null);
        foreach (var a in cl.Arguments)
        {
            switch (a)
            {
                case "-z": utc = true; break;
                case "-k": keysOnly = true; break;
                default:
                    if (database is not null || a.StartsWith('-') || !HintsDatabases.IsValidName(a)) return Fail(error);
                    database = a;
                    break;
            }
        }
        if (database is null) return Fail(error);

        await using var access = await HintsDatabaseAccess.OpenAsync(cl, error).ConfigureAwait(false);
        if (access is null) return 1;
        await foreach (var record in access.Store.EnumerateAsync(database, CancellationToken.None).ConfigureAwait(false))
        {
            await output.WriteAsync(keysOnly ? $"  {record.Key}\n" : Format(database, record, utc)).ConfigureAwait(false);
        }
        return 0;
    }

    internal static string Format(string database, HintsRecord record, bool utc)
    {
        var ci = CultureInfo.InvariantCulture;
        switch (database)
        {
            case HintsDatabases.Retry when RetryDatabase.TryParse(record.Key, record.Value, out var r):
                return $"  {r.Key} {r.Errno.ToString(ci)} 0 {r.Text}\n"
                    + $"{HintsDatabaseAccess.Time(r.FirstFailed, utc)}  {HintsDatabaseAccess.Time(r.LastTry, utc)}  {HintsDatabaseAccess.Time(r.NextTry, utc)} {(r.Expired ? "*" : "")}\n";
            case HintsDatabases.RateLimit when HintsRateLimiter.RateRecord.TryParse(record.Value, out var rate):
                var stamp = $"{HintsDatabaseAccess.Time(DateTimeOffset.FromUnixTimeSeconds(rate.Seconds), utc)}.{rate.Microseconds.ToString("D6", ci)}";
                var value = rate.Rate.ToString("F3", ci).PadLeft(10);
                return rate.Bloom is { } bloom && record.Key.Contains("/unique/", StringComparison.Ordinal)
                    ? $"{stamp} rate: {value} epoch: {HintsDatabaseAccess.Time(DateTimeOffset.FromUnixTimeSeconds(rate.BloomEpoch), utc)} size: {bloom.Length.ToString(ci)} key: {record.Key}\n"
                    : $"{stamp} rate: {value} key: {record.Key}\n";
            default:
                return $"{HintsDatabaseAccess.Time(record.Updated, utc)} {record.Key} {record.Value}\n";
        }
    }

    private static int Fail(TextWriter error)
    {
        error.WriteLine(Usage);
        return 1;
    }
}
