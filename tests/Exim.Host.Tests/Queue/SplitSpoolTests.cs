using Exim.Host.Metrics;
using Exim.Host.Tests.Delivery;
using Exim.Mail.Spool;
using Exim.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exim.Host.Tests.Queue;

/// <summary>
/// <c>split_spool_directory</c>: a message's files go to <c>input/X/</c> and its log to <c>msglog/X/</c> (X the sixth character of
/// its id), and everything that finds a message by id follows it there: the queue tools (<c>-bpc</c>, <c>-bp[r][u]</c>,
/// <c>-bp id</c>, <c>-Mvh</c>, <c>-Mvb</c>, <c>-Mvl</c>, <c>-Mf</c>, <c>-Mt</c>, <c>-Mar</c>, <c>-Mrm</c>, <c>-MG</c> to a named queue and
/// <c>-qG</c>), the queue runner and <c>-M</c>, immediate delivery, the tidier and the queue gauges. A message queued unsplit
/// is still found with the option on, and one queued split with it off, as Exim looks in both places.
/// </summary>
public sealed class SplitSpoolTests : IAsyncLifetime
{
    private TestDaemon _d = null!;

    public async Task InitializeAsync()
        => _d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("queue_only = true\nsplit_spool_directory = true\n" + DeliveryFixture.LocalDelivery));

    public async Task DisposeAsync() => await _d.DisposeAsync();

    private string Spool => _d.Directory.Combine("spool");

    [Fact]
    public async Task Reception_PutsTheFilesAndTheLogInTheSubdirectory_AndTheQueueToolsFindThem()
    {
        var first = await SendAsync("alice@example.org", "bob@test.example");
        var second = await SendAsync("carol@example.org", "dave@test.example");

        foreach (var id in new[] { first, second })
        {
            var sub = id[5].ToString();
            Assert.True(File.Exists(Path.Combine(_d.InputDirectory, sub, id + "-H")), $"{id}-H not in input/{sub}/");
            Assert.True(File.Exists(Path.Combine(_d.InputDirectory, sub, id + "-D")), $"{id}-D not in input/{sub}/");
            Assert.True(File.Exists(Path.Combine(Spool, "msglog", sub, id)), $"{id}'s log not in msglog/{sub}/");
        }
        Assert.Empty(Directory.GetFiles(_d.InputDirectory));

        Assert.Equal("2\n", (await RunAsync("-bpc")).Stdout);
        var listing = (await RunAsync("-bp")).Stdout;
        Assert.Contains($"{first} <alice@example.org>\n          bob@test.example\n", listing, StringComparison.Ordinal);
        Assert.Contains($"{second} <carol@example.org>\n          dave@test.example\n", listing, StringComparison.Ordinal);
        Assert.Equal(2, (await RunAsync("-bpr")).Stdout.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains($"{first} <alice@example.org>", (await RunAsync("-bp", first)).Stdout, StringComparison.Ordinal);
        Assert.StartsWith($"{first}-H\n", (await RunAsync("-Mvh", first)).Stdout, StringComparison.Ordinal);
        Assert.StartsWith($"{first}-D\n", (await RunAsync("-Mvb", first)).Stdout, StringComparison.Ordinal);
        Assert.Contains("Received from alice@example.org", (await RunAsync("-Mvl", first)).Stdout, StringComparison.Ordinal);

        Assert.Equal($"Message {first} is now frozen\n", (await RunAsync("-Mf", first)).Stdout);
        Assert.Contains($"{first} <alice@example.org> *** frozen ***", (await RunAsync("-bp")).Stdout, StringComparison.Ordinal);
        Assert.Equal($"Message {first} is no longer frozen\n", (await RunAsync("-Mt", first)).Stdout);
        Assert.Equal(0, (await RunAsync("-Mar", first, "erin@test.example")).ExitCode);
        Assert.Contains("erin@test.example", (await RunAsync("-bpu", first)).Stdout, StringComparison.Ordinal);

        Assert.Equal($"Message {second} has been removed\n", (await RunAsync("-Mrm", second)).Stdout);
        Assert.False(File.Exists(Path.Combine(_d.InputDirectory, second[5].ToString(), second + "-H")));
        Assert.False(File.Exists(Path.Combine(Spool, "msglog", second[5].ToString(), second)));
        Assert.Equal("1\n", (await RunAsync("-bpc")).Stdout);

        var (code, output, errors) = await RunAsync("-M", first);
        Assert.True(code == 0, output + errors);
        Assert.Single(DeliveryFixture.Delivered(_d, "bob"));
        Assert.Single(DeliveryFixture.Delivered(_d, "erin"));
        Assert.Equal("0\n", (await RunAsync("-bpc")).Stdout);
        Assert.False(File.Exists(Path.Combine(Spool, "msglog", first[5].ToString(), first)));
    }

    [Fact]
    public async Task QueueRun_DeliversSplitMessagesAndOnesQueuedUnsplit_AndWithTheOptionOffStillFindsSplitOnes()
    {
        var split = await SendAsync("alice@example.org", "bob@test.example");
        var unsplit = await SendAsync("alice@example.org", "carol@test.example");
        Unsplit(unsplit); // as queued before the option was turned on
        Assert.Equal("2\n", (await RunAsync("-bpc")).Stdout);
        Assert.Contains($"{unsplit} <alice@example.org>", (await RunAsync("-bp", unsplit)).Stdout, StringComparison.Ordinal);
        Assert.Contains("Received from alice@example.org", (await RunAsync("-Mvl", unsplit)).Stdout, StringComparison.Ordinal);

        var (code, output, errors) = await RunAsync("-qf");
        Assert.True(code == 0, output + errors);
        Assert.Single(DeliveryFixture.Delivered(_d, "bob"));
        Assert.Single(DeliveryFixture.Delivered(_d, "carol"));
        Assert.Equal(1, _d.CountLog($"{split} Completed"));
        Assert.Equal(1, _d.CountLog($"{unsplit} Completed"));
        Assert.False(File.Exists(Path.Combine(Spool, "msglog", unsplit)));
        Assert.Empty(Directory.GetFiles(_d.InputDirectory, "*", SearchOption.AllDirectories));

        // The option turned off: a message left in a subdirectory is still listed, found and delivered.
        var left = await SendAsync("alice@example.org", "dave@test.example");
        var off = _d.Directory.Combine("unsplit.toml");
        File.WriteAllText(off, File.ReadAllText(_d.ConfigPath).Replace("split_spool_directory = true", "split_spool_directory = false", StringComparison.Ordinal));
        Assert.Equal("1\n", (await EximProcess.RunAsync(_d.Directory.Path, "-C", off, "-bpc")).Stdout);
        Assert.StartsWith($"{left}-H\n", (await EximProcess.RunAsync(_d.Directory.Path, "-C", off, "-Mvh", left)).Stdout, StringComparison.Ordinal);
        (code, output, errors) = await EximProcess.RunAsync(_d.Directory.Path, "-C", off, "-qf");
        Assert.True(code == 0, output + errors);
        Assert.Single(DeliveryFixture.Delivered(_d, "dave"));
        Assert.Equal(1, _d.CountLog($"{left} Completed"));
        Assert.False(File.Exists(Path.Combine(Spool, "msglog", left[5].ToString(), left)));
    }

    [Fact]
    public async Task MoveToNamedQueue_KeepsTheSplitLayout_AndQgListsAndDeliversIt()
    {
        var id = await SendAsync("alice@example.org", "bob@test.example");
        var sub = id[5].ToString();

        var moved = await RunAsync("-MG", "hold", id);
        Assert.True(moved.ExitCode == 0, moved.Stdout + moved.Stderr);
        Assert.True(File.Exists(Path.Combine(Spool, "hold", "input", sub, id + "-H")));
        Assert.True(File.Exists(Path.Combine(Spool, "hold", "msglog", sub, id)));
        Assert.Equal("0\n", (await RunAsync("-bpc")).Stdout);
        Assert.Equal("1\n", (await RunAsync("-qGhold", "-bpc")).Stdout);
        Assert.Contains($"{id} <alice@example.org>", (await RunAsync("-qGhold", "-bp")).Stdout, StringComparison.Ordinal);
        Assert.Contains("Received from alice@example.org", (await RunAsync("-qGhold", "-Mvl", id)).Stdout, StringComparison.Ordinal);

        var (code, output, errors) = await RunAsync("-qfGhold");
        Assert.True(code == 0, output + errors);
        Assert.Single(DeliveryFixture.Delivered(_d, "bob"));
        Assert.Equal("0\n", (await RunAsync("-qGhold", "-bpc")).Stdout);
    }

    [Fact]
    public void TidierAndQueueGauges_LookInTheSubdirectories()
    {
        using var dir = new TempDirectory();
        var input = SpoolPaths.EnsureInput(dir.Path, null);
        var now = DateTimeOffset.UtcNow;
        var old = MessageIdAt(now - TimeSpan.FromHours(2));
        var sub = Directory.CreateDirectory(Path.Combine(input, old[5].ToString())).FullName;
        File.WriteAllText(Path.Combine(sub, old + "-H"), "x");
        File.WriteAllText(Path.Combine(sub, old + "-D"), old + "-D\n");
        var top = MessageIdAt(now - TimeSpan.FromMinutes(1));
        File.WriteAllText(Path.Combine(input, top + "-H"), "x");
        var orphan = MessageIdAt(now - TimeSpan.FromHours(1));
        var orphanDirectory = Directory.CreateDirectory(Path.Combine(input, orphan[5].ToString())).FullName;
        var orphanPath = Path.Combine(orphanDirectory, orphan + "-D");
        File.WriteAllText(orphanPath, orphan + "-D\n");
        File.SetLastWriteTimeUtc(orphanPath, DateTime.UtcNow - TimeSpan.FromHours(1));

        var figures = Assert.Single(QueueFiguresReader.ReadNow(dir.Path, now));
        Assert.Equal(2, figures.Messages);
        Assert.InRange(figures.OldestAge, TimeSpan.FromHours(2) - TimeSpan.FromSeconds(2), TimeSpan.FromHours(2) + TimeSpan.FromSeconds(2));
        Assert.Equal(2, SpoolQueue.Count(dir.Path));

        Assert.Equal(1, SpoolTidier.Tidy(dir.Path, null, now, NullLogger.Instance));
        Assert.False(File.Exists(orphanPath));
        Assert.True(File.Exists(Path.Combine(sub, old + "-D")));
    }

    [Fact]
    public async Task ImmediateDelivery_FindsTheSplitMessage()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("split_spool_directory = true\n" + DeliveryFixture.LocalDelivery));
        await using var client = await SmtpTestClient.ConnectAsync(d.Port);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.test");
        var reply = await client.SendMessageAsync("alice@example.org", "bob@test.example", "Subject: now\n\nhello\n");
        var id = reply["250 OK id=".Length..];
        await d.WaitForLogAsync($"{id} Completed");
        Assert.Single(DeliveryFixture.Delivered(d, "bob"));
        Assert.Empty(Directory.GetFiles(d.InputDirectory, "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("bulk")]
    public async Task ADirectoryRemovedByHand_IsMadeAgainForTheNextMessage(string? queue)
    {
        using var dir = new TempDirectory();
        // One second for every id, so both messages go to the same subdirectory, the one the spool knows it has made.
        await using var spool = new FileSpool(dir.Path, new FixedTime(DateTimeOffset.UtcNow), syncFilesystem: false, split: true);
        var first = await SpoolTestMessages.CommitAsync(spool, queue);
        Directory.Delete(queue is null ? first.InputDirectory : dir.Combine(queue), recursive: true);

        var second = await SpoolTestMessages.CommitAsync(spool, queue);

        Assert.Equal(first.InputDirectory, second.InputDirectory);
        Assert.Equal(Path.Combine(SpoolPaths.Input(dir.Path, queue), first.Id[5].ToString()), second.InputDirectory);
        Assert.True(File.Exists(Path.Combine(second.InputDirectory, second.Id + "-H")));
    }

    /// <summary>Moves a split message's files and log to where an unsplit spool keeps them.</summary>
    private void Unsplit(string id)
    {
        var sub = id[5].ToString();
        foreach (var suffix in new[] { "-D", "-H" }) File.Move(Path.Combine(_d.InputDirectory, sub, id + suffix), Path.Combine(_d.InputDirectory, id + suffix));
        File.Move(Path.Combine(Spool, "msglog", sub, id), Path.Combine(Spool, "msglog", id));
    }

    /// <summary>A message id made at <paramref name="time"/>.</summary>
    private static string MessageIdAt(DateTimeOffset time) => MessageId.Next(new FixedTime(time));

    private async Task<string> SendAsync(string sender, params string[] recipients)
    {
        await using var client = await SmtpTestClient.ConnectAsync(_d.Port);
        Assert.StartsWith("220", await client.ReadReplyAsync());
        await client.CommandAsync("EHLO client.test");
        var reply = await client.SendMessageAsync(sender, recipients, "Subject: split\n\nhello\n");
        Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        return reply["250 OK id=".Length..];
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
        => EximProcess.RunAsync(_d.Directory.Path, ["-C", _d.ConfigPath, .. args]);

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
