using System.Text.RegularExpressions;
using Exim.TestKit;

namespace Exim.Host.Tests.Delivery;

/// <summary>
/// Which messages a queue run takes, and how: <c>-qi</c> (first deliveries only), <c>-ql</c> (local deliveries only),
/// <c>-qq</c> (route everything, then deliver host by host), start and stop ids, and named queues (the accept hook's
/// <c>Verdict.AcceptToQueue</c>, <c>-qG&lt;name&gt;</c> for runs and beside <c>-bp</c>/<c>-M</c>, <c>-MG</c> to move
/// messages, periodic <c>-qG&lt;name&gt;/&lt;time&gt;</c> runners). Each test has its own daemon (queue_only, so only the
/// runs under test deliver), real exim processes and scripted SMTP targets.
/// </summary>
public sealed partial class QueueSelectionTests : IAsyncLifetime
{
    private readonly ScriptedSmtpServer _one = new(ScriptedSmtpServer.Answers());
    private readonly ScriptedSmtpServer _two = new(ScriptedSmtpServer.Answers());
    private readonly ScriptedSmtpServer _defer = new(ScriptedSmtpServer.Answers(rcpt: "451 4.7.1 try again later"));
    private TestDaemon _d = null!;

    /// <summary>Clients connecting from 127.0.0.2 have their messages put in the "bulk" queue by the accept hook.</summary>
    private const string AcceptHook = """
        return Connection.RemoteAddress.ToString() == "127.0.0.2" ? Verdict.AcceptToQueue("bulk") : Verdict.Accept;
        """;

    private string Config => TestDaemon.SmtpConfig("queue_only = true", "[\"127.0.0.0/8\"]") + $$"""

        {{Router("one")}}
        {{Router("two")}}
        {{Router("defer")}}

        {{DeliveryFixture.LocalDelivery}}

        {{Transport("one", _one.Port)}}
        {{Transport("two", _two.Port)}}
        {{Transport("defer", _defer.Port)}}

        [hooks]
        accept = "scripts/accept.csx"

        [plugins.queue-runner]
        assembly = "{{RepoPaths.Plugin("queue-runner", "Exim.Plugins.QueueRunner.dll")}}"
        """;

    /// <summary>A manualroute router for <c>&lt;name&gt;.example</c> to its transport.</summary>
    private static string Router(string name) => $$"""
        [[routers]]
        name = "{{name}}"
        driver = "manualroute"
        route_list = ["{{name}}.example 127.0.0.1"]
        transport = "to_{{name}}"
        self = "send"                         # the target shares this daemon's address
        """;

    /// <summary>An smtp transport to a scripted server on <paramref name="port"/>.</summary>
    private static string Transport(string name, int port) => $$"""
        [[transports]]
        name = "to_{{name}}"
        driver = "smtp"
        port = "{{port}}"
        allow_localhost = true
        """;

    public async Task InitializeAsync() => _d = await StartDaemonAsync();

    private async Task<TestDaemon> StartDaemonAsync(params string[] args)
    {
        var dir = new TempDirectory("exim-queues");
        dir.Write("scripts/accept.csx", AcceptHook);
        return await TestDaemon.StartAsync(Config, dir, args);
    }

    public async Task DisposeAsync()
    {
        await _d.DisposeAsync();
        await _one.DisposeAsync();
        await _two.DisposeAsync();
        await _defer.DisposeAsync();
    }

    [Fact]
    public async Task FirstDeliveryOnly_TakesMessagesNeverTried_AndAnAttemptEndsTheirFirstTime()
    {
        var tried = await SendAsync(["x@defer.example"]);
        var (code, output, errors) = await RunAsync("-M", tried);
        Assert.True(code == 0, output + errors);
        var fresh = await SendAsync(["y@defer.example"]);
        Assert.DoesNotContain("-deliver_firsttime\n", Header(tried), StringComparison.Ordinal);
        Assert.Contains("-deliver_firsttime\n", Header(fresh), StringComparison.Ordinal);

        (code, output, errors) = await RunAsync("-qif"); // forced, so the retry time set by the first attempt is no obstacle

        Assert.True(code == 0, output + errors);
        Assert.Contains("Start queue run: pid=", _d.MainLog, StringComparison.Ordinal);
        Assert.Contains(" -qif", _d.MainLog, StringComparison.Ordinal);
        Assert.Equal(1, _d.CountLog($"{tried} == x@defer.example")); // from -M only
        Assert.Equal(1, _d.CountLog($"{fresh} == y@defer.example R=defer T=to_defer defer (-44) H=127.0.0.1 [127.0.0.1]: SMTP error from remote mail server after RCPT TO:<y@defer.example>: 451 4.7.1 try again later"));
        Assert.DoesNotContain("-deliver_firsttime\n", Header(fresh), StringComparison.Ordinal);

        (code, output, errors) = await RunAsync("-qif");
        Assert.True(code == 0, output + errors);
        Assert.Equal(1, _d.CountLog($"{fresh} == y@defer.example")); // tried once: no longer a first delivery
    }

    [Fact]
    public async Task LocalOnly_DeliversLocalAddresses_LeavesRemoteOnesUntriedUntilAFullRun()
    {
        var id = await SendAsync(["bob@test.example", "rita@one.example"]);

        var (code, output, errors) = await RunAsync("-ql");

        Assert.True(code == 0, output + errors);
        Assert.Single(DeliveryFixture.Delivered(_d, "bob"));
        Assert.Equal(0, _one.Connections);
        Assert.Contains(" -ql", _d.MainLog, StringComparison.Ordinal);
        Assert.DoesNotContain($"{id} == rita", _d.MainLog, StringComparison.Ordinal); // held back, not deferred
        var (_, listing, _) = await RunAsync("-bp");
        Assert.Contains("        D bob@test.example\n", listing, StringComparison.Ordinal);
        Assert.Contains("          rita@one.example\n", listing, StringComparison.Ordinal);
        Assert.Contains("-deliver_firsttime\n", Header(id), StringComparison.Ordinal); // its remote address was never tried

        (code, output, errors) = await RunAsync("-qi");

        Assert.True(code == 0, output + errors);
        Assert.Contains($"{id} => rita@one.example R=one T=to_one H=127.0.0.1 [127.0.0.1]", _d.MainLog, StringComparison.Ordinal);
        Assert.Contains($"{id} Completed", _d.MainLog, StringComparison.Ordinal);
        Assert.Single(DeliveryFixture.Delivered(_d, "bob")); // delivered once
    }

    [Fact]
    public async Task TwoStage_DeliversLocallyFirst_ThenEachHostsMessagesTogetherOverOneConnection()
    {
        // Queue order alternates between the two hosts; the second stage takes them host by host.
        string[] ids = [
            await SendAsync(["a1@one.example", "bob@test.example"]),
            await SendAsync(["b1@two.example"]),
            await SendAsync(["a2@one.example"]),
            await SendAsync(["b2@two.example", "carl@test.example"]),
        ];

        var (code, output, errors) = await RunAsync("-qq");

        Assert.True(code == 0, output + errors);
        var deliveries = DeliveryLine().Matches(_d.MainLog).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal<string>(["bob", "carl", "a1", "a2", "b1", "b2"], deliveries);
        Assert.Equal((1, 1), (_one.Connections, _two.Connections)); // (a one-stage run reuses connections too; the order above is what differs)
        Assert.All(ids, id => Assert.Contains($"{id} Completed", _d.MainLog, StringComparison.Ordinal));
        Assert.Equal(1, _d.CountLog("Start queue run: pid=")); // one run, logged once, in two stages
        Assert.Contains(" -qq\n", _d.MainLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoStage_ABounceMadeInTheFirstStage_GoesOutInTheSameRun()
    {
        var id = await SendAsync(["x@nowhere.invalid"], sender: "sam@one.example"); // no router takes it: it fails and bounces

        var (code, output, errors) = await RunAsync("-qq");

        Assert.True(code == 0, output + errors);
        Assert.Contains($"{id} ** x@nowhere.invalid: Unrouteable address", _d.MainLog, StringComparison.Ordinal);
        var bounce = BounceLine().Match(_d.MainLog);
        Assert.True(bounce.Success, _d.MainLog);
        Assert.Contains($"{bounce.Groups[1].Value} => sam@one.example R=one T=to_one", _d.MainLog, StringComparison.Ordinal);
        Assert.Equal(1, _one.Connections);
        Assert.Empty(Directory.GetFiles(_d.InputDirectory, "*-H"));
    }

    [Fact]
    public async Task OneOffRun_LimitedToIdsBetweenStartAndStop()
    {
        var first = await SendAsync(["n1@one.example"]);
        var second = await SendAsync(["n2@one.example"]);
        var third = await SendAsync(["n3@one.example"]);
        Assert.True(string.CompareOrdinal(first, second) < 0 && string.CompareOrdinal(second, third) < 0);

        var (code, output, errors) = await RunAsync("-q", second, second);

        Assert.True(code == 0, output + errors);
        Assert.Contains($"{second} => n2@one.example", _d.MainLog, StringComparison.Ordinal);
        Assert.DoesNotContain($"{first} =>", _d.MainLog, StringComparison.Ordinal);
        Assert.DoesNotContain($"{third} =>", _d.MainLog, StringComparison.Ordinal);

        (code, output, errors) = await RunAsync("-q", "not-an-id");
        Assert.Equal(1, code);
        Assert.Contains("malformed message id not-an-id", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamedQueue_FromTheAcceptHook_IsListedAndRunOnlyWithItsName()
    {
        var id = await SendAsync(["bob@test.example"], from: "127.0.0.2");

        await _d.WaitForLogAsync($"{id} <= alice@test.example H=(client.test) [127.0.0.2] P=esmtp S=");
        Assert.Contains(" Q=bulk", _d.MainLog.Split('\n').Single(l => l.Contains($"{id} <=", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.True(File.Exists(_d.Directory.Combine("spool", "bulk", "input", id + "-H")));
        Assert.Empty(Directory.GetFiles(_d.InputDirectory, "*-H"));

        var (_, defaultList, _) = await RunAsync("-bp");
        var (listed, bulkList, listErrors) = await RunAsync("-qGbulk", "-bp");
        Assert.Equal("", defaultList);
        Assert.True(listed == 0, listErrors);
        Assert.Contains($"{id} <alice@test.example>", bulkList, StringComparison.Ordinal);

        await RunAsync("-q");
        Assert.Empty(DeliveryFixture.Delivered(_d, "bob")); // the default queue's run leaves the bulk queue alone

        var (code, output, errors) = await RunAsync("-qGbulk");

        Assert.True(code == 0, output + errors);
        Assert.Single(DeliveryFixture.Delivered(_d, "bob"));
        Assert.Contains($"{id} => bob <bob@test.example> Q=bulk R=local T=local_delivery", _d.MainLog, StringComparison.Ordinal);
        Assert.Contains("Start 'bulk' queue run: pid=", _d.MainLog, StringComparison.Ordinal);
        Assert.Contains("End 'bulk' queue run: pid=", _d.MainLog, StringComparison.Ordinal);
        Assert.False(File.Exists(_d.Directory.Combine("spool", "bulk", "input", id + "-H")));
    }

    [Fact]
    public async Task MoveBetweenQueues_WithMG_UnderTheMessageLock()
    {
        var id = await SendAsync(["bob@test.example"]);

        var (code, output, errors) = await RunAsync("-MG", "hold", id);

        Assert.True(code == 0, output + errors);
        Assert.Equal($"Message {id} has been moved to queue 'hold'\n", output);
        Assert.Contains($"{id} moved from the default queue to queue 'hold' by ", _d.MainLog, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_d.InputDirectory, id + "-D")));
        Assert.True(File.Exists(_d.Directory.Combine("spool", "hold", "input", id + "-D")));
        await RunAsync("-q");
        Assert.Empty(DeliveryFixture.Delivered(_d, "bob"));

        // Locked by a delivery in progress: left where it is.
        using (var held = DeliveryFixture.LockMessage(_d.Directory.Combine("spool", "hold", "input"), id))
        {
            (code, output, _) = await RunAsync("-qGhold", "-MG", "", id);
            Assert.Equal(1, code);
            Assert.Equal($"Message {id} is locked\n", output);
        }

        (code, output, errors) = await RunAsync("-qGhold", "-MG", "", id);
        Assert.True(code == 0, output + errors);
        Assert.Equal($"Message {id} has been moved to the default queue\n", output);
        (code, output, errors) = await RunAsync("-q");
        Assert.True(code == 0, output + errors);
        Assert.Single(DeliveryFixture.Delivered(_d, "bob"));

        (code, _, errors) = await RunAsync("-MG", "../outside", id);
        Assert.Equal(1, code);
        Assert.Contains("a queue name starts with a letter or digit: ../outside", errors, StringComparison.Ordinal);
        (code, output, _) = await RunAsync("-MG", "hold", id);
        Assert.Equal(1, code);
        Assert.Equal($"Spool data file for {id} does not exist\n", output);
    }

    [Fact]
    public async Task PeriodicNamedQueueRunner_RunsBesideTheDefaultQueuesRunner()
    {
        await _d.DisposeAsync();
        _d = await StartDaemonAsync("-q1s", "-qGbulk/1s");
        Assert.Contains("-q1s -qGbulk/1s, listening for SMTP on", _d.MainLog, StringComparison.Ordinal);

        var bulk = await SendAsync(["bob@test.example"], from: "127.0.0.2");
        var plain = await SendAsync(["carl@test.example"]);

        await Wait.UntilOrFailAsync(() => DeliveryFixture.Delivered(_d, "bob").Length == 1 && DeliveryFixture.Delivered(_d, "carl").Length == 1,
            TestTimeouts.Default, () => _d.MainLog);
        await _d.WaitForLogAsync($"{bulk} Completed");
        await _d.WaitForLogAsync($"{plain} Completed");
        var log = _d.MainLog;
        Assert.Contains($"{bulk} => bob <bob@test.example> Q=bulk R=local", log, StringComparison.Ordinal);
        Assert.Contains($"{plain} => carl <carl@test.example> R=local", log, StringComparison.Ordinal);
        Assert.Matches(@"Start 'bulk' queue run: pid=\d+\n", log);
        Assert.Matches(@"Start queue run: pid=\d+\n", log);
        // The runner that delivered logs its end after the delivery (earlier runs may have ended already, finding nothing).
        await Wait.UntilOrFailAsync(() => _d.MainLog is var l && l.IndexOf("End 'bulk' queue run: pid=", l.IndexOf($"{bulk} Completed", StringComparison.Ordinal), StringComparison.Ordinal) > 0,
            TestTimeouts.Default, () => _d.MainLog);
    }

    private async Task<string> SendAsync(string[] recipients, string from = "127.0.0.1", string sender = "alice@test.example")
    {
        await using var client = await SmtpTestClient.ConnectAsync(_d.Port, from);
        Assert.StartsWith("220", await client.ReadReplyAsync());
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"));
        var reply = await client.SendMessageAsync(sender, recipients, "Subject: queues\n\nhello\n");
        Assert.StartsWith("250", reply);
        await client.CommandAsync("QUIT");
        return reply["250 OK id=".Length..];
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => EximProcess.RunAsync(_d.Directory.Path, ["-C", _d.ConfigPath, .. args]);

    private string Header(string id) => File.ReadAllText(Path.Combine(_d.InputDirectory, id + "-H"));

    [GeneratedRegex(@"(\S+) <= <> R=")]
    private static partial Regex BounceLine();

    [GeneratedRegex(@" => (\w+)[@ ]")]
    private static partial Regex DeliveryLine();
}
