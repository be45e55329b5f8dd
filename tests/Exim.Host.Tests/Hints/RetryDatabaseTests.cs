using Exim.Mail.Hints;
using Exim.Mail.Retry;
using Exim.TestKit;

namespace Exim.Host.Tests.Hints;

public sealed class RetryDatabaseTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task UpdateAndDelete_RoundTripThroughTheStore()
    {
        using var dir = new TempDirectory();
        using var store = new SqliteHintsStore(dir.Path, new LinesLogger());
        var db = new RetryDatabase(store, dir.Path);
        var record = new RetryRecord("T:mx.example:192.0.2.1:25", T0, T0.AddMinutes(1), T0.AddMinutes(16), false, 111, "Connection\trefused\n");

        await db.UpdateAsync(new Dictionary<string, RetryRecord?> { [record.Key] = record, ["A:x@y"] = record with { Key = "A:x@y", Expired = true } }, CancellationToken.None);

        Assert.Equal(record with { Text = "Connection refused " }, db.Find(record.Key));
        Assert.True(db.Find("A:x@y")!.Expired);
        await db.UpdateAsync(new Dictionary<string, RetryRecord?> { ["A:x@y"] = null }, CancellationToken.None);
        Assert.Null(db.Find("A:x@y"));
        Assert.Equal<string>([record.Key], await db.AllAsync(CancellationToken.None).Select(r => r.Record.Key).ToListAsync());
    }

    [Fact]
    public async Task OldTextFile_IsImportedOnce_AndRenamed()
    {
        using var dir = new TempDirectory();
        var legacy = dir.Write("db/retry", $"T:old.example:192.0.2.7:25\t{T0.ToUnixTimeSeconds()}\t{T0.ToUnixTimeSeconds()}\t{T0.AddHours(1).ToUnixTimeSeconds()}\t0\t111\tConnection refused\nnot a record\n");
        using var store = new SqliteHintsStore(dir.Path, new LinesLogger());

        var found = new RetryDatabase(store, dir.Path).Find("T:old.example:192.0.2.7:25");

        Assert.Equal(new RetryRecord("T:old.example:192.0.2.7:25", T0, T0, T0.AddHours(1), false, 111, "Connection refused"), found);
        Assert.False(File.Exists(legacy));
        Assert.True(File.Exists(legacy + ".imported"));
        Assert.Single(await store.EnumerateAsync("retry", CancellationToken.None).ToListAsync());
    }
}
