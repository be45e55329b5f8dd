using System.Text;
using Exim.Host.Tests.Delivery;
using Exim.Mail.Spool;
using Exim.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exim.Host.Tests.Queue;

/// <summary>
/// Crash leftovers (a -D file without its -H file, -H.tmp files) are removed at daemon start and by queue runs, once they
/// are older than the grace period and nobody holds the -D file's lock; a reception in progress holds that lock, so its
/// files are never touched, and an acknowledged message is never lost.
/// </summary>
public sealed class SpoolLeftoverTests
{
    private static readonly DateTime LongAgo = DateTime.UtcNow - TimeSpan.FromHours(1);

    [Fact]
    public async Task Reception_HoldsTheDataFileLock_UntilItsHeaderIsInPlace()
    {
        using var dir = new TempDirectory();
        await using var spool = new FileSpool(dir.Path, TimeProvider.System, syncFilesystem: true);

        var message = spool.Create();
        await message.Data.WriteAsync("body\n"u8.ToArray());

        Assert.Null(DataFileLock.TryOpen(message.DataPath, out var locked));
        Assert.True(locked);
        await spool.CommitAsync(message, SpoolTestMessages.Envelope(), ["Subject: x\n"], CancellationToken.None).WaitAsync(TestTimeouts.Default);
        using var after = DataFileLock.TryOpen(message.DataPath, out _);
        Assert.NotNull(after); // released once committed, for the delivery
    }

    [Fact]
    public async Task Tidy_RemovesOldUnlockedLeftovers_AndLeavesLiveFreshAndCompleteMessagesAlone()
    {
        using var dir = new TempDirectory();
        await using var spool = new FileSpool(dir.Path, TimeProvider.System, syncFilesystem: true);
        var input = spool.InputDirectory;
        var live = spool.Create(); // a reception in progress, its -D file older than the grace period
        await live.Data.WriteAsync("half a body\n"u8.ToArray());
        await live.Data.FlushAsync();
        File.SetLastWriteTimeUtc(live.DataPath, LongAgo);
        var complete = (await SpoolTestMessages.CommitAsync(spool, body: "complete\n")).Id;
        File.SetLastWriteTimeUtc(Path.Combine(input, complete + "-D"), LongAgo);
        var orphan = Leftover(input, "-D", LongAgo);
        var tempAlone = Leftover(input, "-H.tmp", LongAgo);
        var tempOfComplete = complete + "-H.tmp"; // a -H rewrite that never finished
        File.WriteAllText(Path.Combine(input, tempOfComplete), "partial");
        File.SetLastWriteTimeUtc(Path.Combine(input, tempOfComplete), LongAgo);
        var fresh = Leftover(input, "-D", DateTime.UtcNow); // within the grace period
        var orphanWithTemp = Leftover(input, "-D", LongAgo);
        File.WriteAllText(Path.Combine(input, orphanWithTemp.Replace("-D", "-H.tmp", StringComparison.Ordinal)), "partial");
        File.SetLastWriteTimeUtc(Path.Combine(input, orphanWithTemp.Replace("-D", "-H.tmp", StringComparison.Ordinal)), LongAgo);

        var removed = SpoolTidier.Tidy(dir.Path, null, DateTimeOffset.UtcNow, NullLogger.Instance);

        Assert.Equal(5, removed);
        Assert.Equal(
            new[] { live.Id + "-D", complete + "-D", complete + "-H", fresh }.Order(StringComparer.Ordinal),
            Directory.GetFiles(input).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        await spool.CommitAsync(live, SpoolTestMessages.Envelope(), ["Subject: live\n"], CancellationToken.None).WaitAsync(TestTimeouts.Default);
        Assert.NotNull(SpoolHeaderFile.Load(Path.Combine(input, live.Id + "-H")));
        Assert.Equal($"{live.Id}-D\nhalf a body\n", File.ReadAllText(live.DataPath));
    }

    [Fact]
    public void TidyAll_TidiesEveryNamedQueueToo()
    {
        using var dir = new TempDirectory();
        var bulk = SpoolPaths.EnsureInput(dir.Path, "bulk");
        var input = SpoolPaths.EnsureInput(dir.Path, null);
        Leftover(bulk, "-D", LongAgo);
        Leftover(input, "-H.tmp", LongAgo);
        Directory.CreateDirectory(dir.Combine("db"));

        Assert.Equal(2, SpoolTidier.TidyAll(dir.Path, DateTimeOffset.UtcNow, NullLogger.Instance));
        Assert.Empty(Directory.GetFiles(bulk));
        Assert.Empty(Directory.GetFiles(input));
    }

    [Fact]
    public async Task KilledMidReception_LeftoversGoAtRestart_ButNotWhileTheReceptionLives_AndNoAcknowledgedMessageIsLost()
    {
        var config = TestDaemon.SmtpConfig("queue_only = true\n" + DeliveryFixture.LocalDelivery);
        await using var first = await TestDaemon.StartAsync(config);
        var dir = first.Directory;
        var input = first.InputDirectory;
        Directory.CreateDirectory(input);
        var oldOrphan = Leftover(input, "-D", LongAgo);
        var oldTemp = Leftover(input, "-H.tmp", LongAgo);

        await using var acknowledged = await SmtpTestClient.ConnectAsync(first.Port);
        await acknowledged.ReadReplyAsync();
        await acknowledged.CommandAsync("EHLO client.test");
        var reply = await acknowledged.SendMessageAsync("alice@example.org", "bob@test.example", "Subject: kept\n\nacknowledged before the crash");
        Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        var keptId = reply["250 OK id=".Length..];

        // A reception in progress: its -D file exists, locked by the live daemon; make it look old.
        await using var receiving = await SmtpTestClient.ConnectAsync(first.Port);
        await receiving.ReadReplyAsync();
        await receiving.CommandAsync("EHLO client.test");
        await receiving.CommandAsync("MAIL FROM:<alice@example.org>");
        await receiving.CommandAsync("RCPT TO:<carol@test.example>");
        Assert.StartsWith("354", await receiving.CommandAsync("DATA"));
        await receiving.SendRawAsync("Subject: in flight\r\n\r\nhalf of it\r\n");
        string? liveData = null;
        await Wait.UntilOrFailAsync(() => (liveData = LiveDataFile(input, keptId, oldOrphan)) is not null, TestTimeouts.Default, () => "the live -D file");
        File.SetLastWriteTimeUtc(liveData!, LongAgo);

        // A queue run meanwhile, limited to no message so the acknowledged one stays queued across the crash.
        var (code, stdout, stderr) = await EximProcess.RunAsync(dir.Path, "-C", first.ConfigPath, "-q", "000000-000000-00", "000000-000000-00");
        Assert.True(code == 0, stdout + stderr);
        Assert.True(File.Exists(liveData), "the queue run removed the -D file of a live reception");
        Assert.False(File.Exists(Path.Combine(input, oldOrphan)));
        Assert.False(File.Exists(Path.Combine(input, oldTemp)));
        Assert.True(File.Exists(Path.Combine(input, keptId + "-H")));
        Assert.Contains($"{oldOrphan[..^2]} removed leftover spool file input/{oldOrphan} (no -H file, unlocked, older than 15m)", first.MainLog, StringComparison.Ordinal);
        Assert.Contains($"{oldTemp[..^6]} removed leftover spool file input/{oldTemp} (no -D file, older than 15m)", first.MainLog, StringComparison.Ordinal);

        first.Process.Signal(Signals.SIGKILL);
        await first.Process.WaitForExitAsync(TestTimeouts.Default);
        var liveId = Path.GetFileName(liveData)![..^2];
        await using var second = await TestDaemon.StartAsync(config, dir); // the same directory: disposed twice, harmlessly

        await second.WaitForLogAsync($"{liveId} removed leftover spool file input/{liveId}-D (no -H file, unlocked, older than 15m)");
        Assert.False(File.Exists(liveData));
        var (runCode, runOut, runErr) = await EximProcess.RunAsync(dir.Path, "-C", second.ConfigPath, "-q");
        Assert.True(runCode == 0, runOut + runErr);
        Assert.Contains("acknowledged before the crash", Assert.Single(DeliveryFixture.Delivered(second, "bob")), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(input));
    }

    /// <summary>The -D file without a -H file that is neither the acknowledged message's nor the hand-made orphan's.</summary>
    private static string? LiveDataFile(string input, string keptId, string orphan)
        => Directory.GetFiles(input, "*-D").FirstOrDefault(p => Path.GetFileName(p) is var n && n != keptId + "-D" && n != orphan
            && !File.Exists(p[..^2] + "-H"));

    /// <summary>A leftover file named for a fresh message id, with the given suffix and modification time; returns its name.</summary>
    private static string Leftover(string input, string suffix, DateTime written)
    {
        var id = MessageId.Next(TimeProvider.System);
        var path = Path.Combine(input, id + suffix);
        File.WriteAllText(path, suffix == "-D" ? $"{id}-D\nbody\n" : "partial", Encoding.Latin1);
        File.SetLastWriteTimeUtc(path, written);
        return id + suffix;
    }
}
