using System.Diagnostics;
using Exim.Mail.Delivery;
using Exim.Mail.Spool;
using Exim.TestKit;

namespace Exim.Host.Tests.Queue;

/// <summary>
/// A message's lock is an open-file-description lock, and a child process started meanwhile shares the open file
/// description from its fork until its exec closes the descriptor. A lock released only by closing the file would stay
/// held for that while, so a delivery right after a reception would find its message "locked" whenever the daemon happened
/// to start a child (a pipe transport, a queue runner) at that moment. The holder unlocks before it closes.
/// </summary>
public sealed class MessageLockForkTests
{
    private const int Rounds = 300;

    [Fact]
    public async Task AReceivedMessage_CanBeLockedAtOnce_WhileChildProcessesAreStarting()
    {
        using var dir = new TempDirectory();
        await using var spool = new FileSpool(dir.Path, TimeProvider.System, syncFilesystem: false);

        var (falseLocks, children) = await WithChildrenStartingAsync(async () =>
        {
            var message = await SpoolTestMessages.CommitAsync(spool);
            var attempt = MessageLock.TryAcquire(spool.InputDirectory, message.Id, out var held);
            held?.Dispose();
            return attempt == LockAttempt.Locked;
        });

        Assert.True(children >= 20, $"only {children} children started during the test: it proves nothing");
        Assert.Equal(0, falseLocks);
    }

    [Fact]
    public async Task ADeliverysLock_IsFreeOnceReleased_WhileChildProcessesAreStarting()
    {
        using var dir = new TempDirectory();
        var data = dir.Combine("1abcde-000000-00-D");
        File.WriteAllText(data, "1abcde-000000-00-D\nbody\n");
        File.WriteAllText(dir.Combine("1abcde-000000-00-H"), "header");

        var (falseLocks, children) = await WithChildrenStartingAsync(() =>
        {
            if (MessageLock.TryAcquire(dir.Path, "1abcde-000000-00", out var first) != LockAttempt.Acquired) return Task.FromResult(true);
            Thread.Sleep(1); // long enough for a child to be started holding the descriptor
            first!.Dispose();
            using var again = DataFileLock.TryOpen(data, out var locked); // the tidier's look, released as it goes
            return Task.FromResult(locked);
        });

        Assert.True(children >= 20, $"only {children} children started during the test: it proves nothing");
        Assert.Equal(0, falseLocks);
    }

    /// <summary>Runs <paramref name="round"/> <see cref="Rounds"/> times while another thread starts child processes one after another; counts the rounds that returned true.</summary>
    private static async Task<(int Count, int Children)> WithChildrenStartingAsync(Func<Task<bool>> round)
    {
        using var stop = new CancellationTokenSource(TestTimeouts.Default);
        var children = 0;
        var starter = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var child = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
                child.WaitForExit(TestTimeouts.Default);
                Interlocked.Increment(ref children);
            }
        });
        var count = 0;
        var deadline = Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < Rounds && deadline.Elapsed < TimeSpan.FromSeconds(20); i++)
            {
                if (await round()) count++;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await starter.WaitAsync(TestTimeouts.Default);
        }
        return (count, children);
    }
}
