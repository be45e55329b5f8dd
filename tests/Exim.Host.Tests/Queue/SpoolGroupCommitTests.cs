using Exim.Mail.Spool;
using Exim.TestKit;

namespace Exim.Host.Tests.Queue;

/// <summary>
/// Group commit in <see cref="FileSpool"/>: commits from many sessions at once share batches, and under load one flush
/// serves two batches (one batch's files with the previous batch's renames), while each message's files are still synced
/// before its rename and the rename before its commit completes.
/// </summary>
public sealed class SpoolGroupCommitTests
{
    private const int Sessions = 32;
    private const int MessagesEach = 16;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ConcurrentSessions_ShareBatches_AndOneFlushServesTwoBatchesUnderLoad(bool syncFilesystem)
    {
        // Whether a batch finds the next one waiting after its renames depends on how the sessions and the committer are
        // scheduled: when every session is in one batch (the committer was slow to take the first commits), each batch
        // takes them all again and none is waiting. So a run without a shared flush is tried again, at most three times;
        // with the pipelining broken, none would ever show one.
        var (flushes, batches) = (0L, 0L);
        for (var attempt = 0; attempt < 3 && (attempt == 0 || flushes >= 2 * batches); attempt++)
        {
            (flushes, batches) = await RunSessionsAsync(syncFilesystem);
        }
        // Pipelined: without it every batch takes two flushes (its files, then its directory after the renames); with it,
        // a batch that finds another waiting after its renames shares that one's flush.
        Assert.True(flushes < 2 * batches, $"{flushes} flushes for {batches} batches");
    }

    /// <summary>Sessions commit their messages concurrently; checks each is acknowledged only once in place; returns the flushes and batches.</summary>
    private static async Task<(long Flushes, long Batches)> RunSessionsAsync(bool syncFilesystem)
    {
        using var dir = new TempDirectory();
        await using var spool = new FileSpool(dir.Path, TimeProvider.System, syncFilesystem);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var sessions = Enumerable.Range(0, Sessions).Select(s => Task.Run(async () =>
        {
            await start.Task;
            var ids = new List<string>();
            for (var i = 0; i < MessagesEach; i++)
            {
                var message = spool.Create();
                await message.Data.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"session {s} message {i}\n"));
                await spool.CommitAsync(message, SpoolTestMessages.Envelope(), [$"Subject: {s}/{i}\n"], CancellationToken.None).WaitAsync(TestTimeouts.Default);
                // Acknowledged: its -H file is in place (and its -H.tmp gone) before the commit completes.
                Assert.True(File.Exists(Path.Combine(spool.InputDirectory, message.Id + "-H")));
                Assert.False(File.Exists(Path.Combine(spool.InputDirectory, message.Id + "-H.tmp")));
                ids.Add(message.Id);
            }
            return ids;
        })).ToArray();
        start.SetResult();
        var all = (await Task.WhenAll(sessions).WaitAsync(TestTimeouts.Default)).SelectMany(i => i).ToList();

        Assert.Equal(Sessions * MessagesEach, all.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Sessions * MessagesEach, spool.Committed);
        Assert.Equal(Sessions * MessagesEach, Directory.GetFiles(spool.InputDirectory, "*-H").Length);
        Assert.Empty(Directory.GetFiles(spool.InputDirectory, "*.tmp"));
        // Across sessions: fewer batches than messages (on a busy machine a batch may hold few, but not one each).
        Assert.True(spool.Batches * 2 <= spool.Committed, $"{spool.Batches} batches for {spool.Committed} messages");
        return (spool.Flushes, spool.Batches);
    }

    [Fact]
    public async Task LoneCommit_IsDurableAtOnce_WithItsDirectorySynced()
    {
        using var dir = new TempDirectory();
        await using var spool = new FileSpool(dir.Path, TimeProvider.System, syncFilesystem: true);

        var message = spool.Create();
        await message.Data.WriteAsync("alone\n"u8.ToArray());
        await spool.CommitAsync(message, SpoolTestMessages.Envelope(), ["Subject: alone\n"], CancellationToken.None).WaitAsync(TestTimeouts.Default);

        // Nothing behind it to share a flush with: its files' sync, then its directory's, before the commit completes.
        Assert.True(File.Exists(Path.Combine(spool.InputDirectory, message.Id + "-H")));
        Assert.Equal(1, spool.Batches);
        Assert.Equal(2, spool.Flushes);
    }
}
