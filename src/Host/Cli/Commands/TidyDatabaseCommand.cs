using Exim.Abstractions.Hints;
using Exim.Host.Configuration.Values;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// <c>exim --tidydb [-t &lt;time&gt;] &lt;database&gt;</c>: Exim's exim_tidydb on the hints store: every record last
/// written longer ago than the time (default 30 days, Exim's) is deleted, with Exim's lines (<c>Tidying Exim hints
/// database ...</c>, <c>deleted KEY (too old)</c>, <c>Tidying complete</c>). <c>-f</c> is accepted and ignored, as Exim does.
/// Exim also drops retry records whose key ends in a message id no longer on the spool; our retry keys never carry one.
/// </summary>
internal static class TidyDatabaseCommand
{
    private const string Usage = "usage: exim --tidydb [-t <time>] <database-name>  (retry, ratelimit, or a plugin's database)";

    public static async Task<int> RunAsync(CommandLine cl, TextWriter output, TextWriter error)
    {
        var keep = TimeSpan.FromDays(30);
        string? database = null;
        for (var i = 0; i < cl.Arguments.Length; i++)
        {
            var a = cl.Arguments[i];
            if (a == "-f") continue;
            if (a == "-t")
            {
                if (i + 1 >= cl.Arguments.Length || !EximTime.TryParse(cl.Arguments[++i], out var t)) return Fail(error);
                keep = t.Value;
                continue;
            }
            if (database is not null || a.StartsWith('-') || !HintsDatabases.IsValidName(a)) return Fail(error);
            database = a;
        }
        if (database is null) return Fail(error);

        await using var access = await HintsDatabaseAccess.OpenAsync(cl, error).ConfigureAwait(false);
        if (access is null) return 1;
        var oldest = DateTimeOffset.UtcNow - keep;
        await output.WriteAsync($"Tidying Exim hints database {access.SpoolDirectory}/db/{database}\n").ConfigureAwait(false);
        var old = new List<string>();
        await foreach (var record in access.Store.EnumerateAsync(database, CancellationToken.None).ConfigureAwait(false))
        {
            if (record.Updated < oldest) old.Add(record.Key);
        }
        foreach (var key in old)
        {
            if (await access.Store.DeleteAsync(database, key, CancellationToken.None).ConfigureAwait(false))
            {
                await output.WriteAsync($"deleted {key} (too old)\n").ConfigureAwait(false);
            }
        }
        await output.WriteAsync("Tidying complete\n").ConfigureAwait(false);
        return 0;
    }

    private static int Fail(TextWriter error)
    {
        error.WriteLine(Usage);
        return 1;
    }
}
