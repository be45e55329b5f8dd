using Exim.Mail.Spool;
using Exim.TestKit;

namespace Exim.Host.Tests.Queue;

/// <summary>
/// A split spool's subdirectory is made by the first message that lands in it; messages started at once by many sessions
/// land in the same new subdirectory (the id's sixth character is the second it was made in), and all must start.
/// </summary>
public sealed class SplitSpoolCreateTests
{
    [Fact]
    public async Task ManySessionsAtOnce_InANewSubdirectory_AllStart()
    {
        // The race is between one session's failed open and another's making the directory: several rounds of 32 at once.
        for (var round = 0; round < 50; round++)
        {
            using var dir = new TempDirectory();
            await using var spool = new FileSpool(dir.Path, TimeProvider.System, syncFilesystem: false, split: true);
            using var barrier = new Barrier(32);
            var created = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Factory.StartNew(() =>
            {
                barrier.SignalAndWait(TestTimeouts.Default);
                return spool.Create();
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))).WaitAsync(TestTimeouts.Default);
            foreach (var message in created)
            {
                Assert.True(File.Exists(message.DataPath), message.DataPath);
                await FileSpool.AbandonAsync(message);
            }
        }
    }
}
