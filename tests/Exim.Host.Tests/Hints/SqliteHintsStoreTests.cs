using Exim.Abstractions.Hints;
using Exim.Mail.Hints;
using Exim.TestKit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Exim.Host.Tests.Hints;

public sealed class SqliteHintsStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task PutGetDelete_RoundTripWithTheirUpdateTimes_InKeyOrder()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(T0);
        using var store = new SqliteHintsStore(dir.Path, new LinesLogger(), time);

        await store.PutAsync("retry", "T:b", "two", CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(90));
        await store.PutAsync("retry", "T:a", "one\ttab and ünïcode", CancellationToken.None);
        await store.PutAsync("ratelimit", "T:a", "other database", CancellationToken.None);

        Assert.Equal(new HintsRecord("T:b", "two", T0), await store.GetAsync("retry", "T:b", CancellationToken.None));
        Assert.Equal<HintsRecord>([new("T:a", "one\ttab and ünïcode", T0.AddSeconds(90)), new("T:b", "two", T0)],
            await store.EnumerateAsync("retry", CancellationToken.None).ToListAsync());
        Assert.True(await store.DeleteAsync("retry", "T:a", CancellationToken.None));
        Assert.False(await store.DeleteAsync("retry", "T:a", CancellationToken.None));
        Assert.Null(await store.GetAsync("retry", "T:a", CancellationToken.None));
        Assert.Equal("other database", (await store.GetAsync("ratelimit", "T:a", CancellationToken.None))?.Value);
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.GetAsync("../x", "k", CancellationToken.None));
    }

    [Fact]
    public async Task SecondInstanceOnTheSameFile_SeesTheRecords_AndTheFileIsInWalMode()
    {
        using var dir = new TempDirectory();
        using (var first = new SqliteHintsStore(dir.Path, new LinesLogger()))
        {
            await first.PutAsync("ratelimit", "1h/per_mail/192.0.2.1", "kept", CancellationToken.None);
        }

        using var second = new SqliteHintsStore(dir.Path, new LinesLogger());

        Assert.Equal("kept", (await second.GetAsync("ratelimit", "1h/per_mail/192.0.2.1", CancellationToken.None))?.Value);
        Assert.Equal(dir.Combine("db", "hints.sqlite"), second.FilePath);
        using var raw = new SqliteConnection($"Data Source={second.FilePath};Pooling=False");
        raw.Open();
        using var mode = raw.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", mode.ExecuteScalar());
    }

    [Fact]
    public async Task UpdateAsync_WritesDeletesOrKeeps_AndHandsBackTheResult()
    {
        using var dir = new TempDirectory();
        using var store = new SqliteHintsStore(dir.Path, new LinesLogger());

        var first = await store.UpdateAsync("test", "n", current => (HintsChange.Write("1"), current is null), CancellationToken.None);
        var second = await store.UpdateAsync("test", "n", current => (HintsChange.Write((int.Parse(current!.Value) + 1).ToString()), current.Value), CancellationToken.None);
        var kept = await store.UpdateAsync("test", "n", current => (HintsChange.Keep, current!.Value), CancellationToken.None);

        Assert.True(first);
        Assert.Equal("1", second);
        Assert.Equal("2", kept);
        Assert.Equal("2", (await store.GetAsync("test", "n", CancellationToken.None))?.Value);
        await store.UpdateAsync("test", "n", _ => (HintsChange.Delete, 0), CancellationToken.None);
        Assert.Null(await store.GetAsync("test", "n", CancellationToken.None));
    }

    [Fact]
    public async Task GarbageFile_IsLoggedToThePanicLevel_MovedAside_AndTheStoreWorksEmpty()
    {
        using var dir = new TempDirectory();
        var garbage = dir.Write("db/hints.sqlite", new string('x', 5000));
        var log = new LinesLogger();
        using var store = new SqliteHintsStore(dir.Path, log);

        Assert.Null(await store.GetAsync("retry", "T:a", CancellationToken.None));
        await store.PutAsync("retry", "T:a", "after", CancellationToken.None);

        Assert.Equal("after", (await store.GetAsync("retry", "T:a", CancellationToken.None))?.Value);
        var line = Assert.Single(log.Lines);
        Assert.Equal(LogLevel.Critical, line.Level); // main and panic logs
        Assert.StartsWith($"DB file {garbage} is corrupt (", line.Text, StringComparison.Ordinal);
        var aside = Assert.Single(Directory.GetFiles(dir.Combine("db"), "hints.sqlite.corrupt-*"));
        Assert.Equal(new string('x', 5000), File.ReadAllText(aside));
        Assert.Contains($"moved to {aside}; the hints start empty", line.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileCorruptedWhileOpen_IsMovedAsideOnTheNextUse()
    {
        using var dir = new TempDirectory();
        var log = new LinesLogger();
        using var store = new SqliteHintsStore(dir.Path, log);
        for (var i = 0; i < 200; i++) await store.PutAsync("retry", $"T:host{i}", new string('v', 100), CancellationToken.None);
        using (var other = new SqliteHintsStore(dir.Path, new LinesLogger()))
        {
            await other.PutAsync("retry", "checkpoint", "x", CancellationToken.None); // the last closer folds the WAL into the file
        }
        store.Dispose();
        // Clobber every page after the header: the schema survives, the table's pages do not.
        using var reopened = new SqliteHintsStore(dir.Path, log);
        var bytes = File.ReadAllBytes(reopened.FilePath);
        Assert.True(bytes.Length > 8192);
        for (var i = 4096; i < bytes.Length; i++) bytes[i] = 0x5a;
        File.WriteAllBytes(reopened.FilePath, bytes);

        Assert.Null(await reopened.GetAsync("retry", "T:host7", CancellationToken.None));
        await reopened.PutAsync("retry", "T:new", "v", CancellationToken.None);

        Assert.Equal("v", (await reopened.GetAsync("retry", "T:new", CancellationToken.None))?.Value);
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Critical && l.Text.Contains(" is corrupt (", StringComparison.Ordinal));
        Assert.Single(Directory.GetFiles(dir.Combine("db"), "hints.sqlite.corrupt-*"));
    }

    [Fact]
    public async Task FileThatCannotBeOpened_ReadsEmptyAndSwallowsWrites_RefusesUpdates_LoggedOnce_ThenRecovers()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("db", "hints.sqlite")); // a directory where the file should be (root ignores modes)
        var time = new FakeTimeProvider(T0);
        var log = new LinesLogger();
        using var store = new SqliteHintsStore(dir.Path, log, time);

        Assert.Null(await store.GetAsync("retry", "T:a", CancellationToken.None));
        await store.PutAsync("retry", "T:a", "lost", CancellationToken.None);
        Assert.Empty(await store.EnumerateAsync("retry", CancellationToken.None).ToListAsync());
        var unavailable = await Assert.ThrowsAsync<HintsUnavailableException>(
            async () => await store.UpdateAsync("ratelimit", "1h/per_mail/a", current => (HintsChange.Write("x"), 42), CancellationToken.None));
        Assert.Equal("ratelimit database not available", unavailable.Message);

        var line = Assert.Single(log.Lines);
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.StartsWith($"Failed to open DB file {store.FilePath}: ", line.Text, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Combine("db"), "hints.sqlite.corrupt-*"));

        Directory.Delete(dir.Combine("db", "hints.sqlite"));
        time.Advance(TimeSpan.FromSeconds(11));
        await store.PutAsync("retry", "T:a", "kept", CancellationToken.None);
        Assert.Equal("kept", (await store.GetAsync("retry", "T:a", CancellationToken.None))?.Value);
        Assert.Equal($"DB file {store.FilePath} is usable again", log.Lines[^1].Text);
    }
}
