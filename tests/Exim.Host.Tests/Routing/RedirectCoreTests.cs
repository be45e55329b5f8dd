using System.Text;
using System.Text.RegularExpressions;
using Exim.TestKit;

namespace Exim.Host.Tests.Routing;

/// <summary>
/// The routing core's handling of a router's redirection (Exim's route_address and deliver.c), with a test router driver
/// registered by the test plugin (<c>TestRedirectDriver</c>, aliases from its options): -bt's output, deliveries into a
/// Maildir through a self-referencing alias, duplicates, :blackhole:, a deferred child retried without delivering its
/// delivered sibling again, and files and pipes whose transport is missing. Each test runs the real exim executable.
/// </summary>
public sealed partial class RedirectCoreTests
{
    private static string Config(TempDirectory dir, string routers, string transports) => $"""
        spool_directory = "spool"
        primary_hostname = "test.example"
        local_interfaces = []

        [[routers]]
        name = "aliases"
        driver = "testredirect"
        aliases = ["postmaster: postmaster, joe", "team: joe, ann, joe, team2", "team2: ann", "hole: :blackhole:", "piped: |/bin/cat",
                   "filed: /tmp/redirected", "split: joe, far@remote.example", "chain: team, hole",
                   "fails: x@elsewhere.example"]
        pipe_transport = "nosuch"

        {routers}

        [[routers]]
        name = "local"
        driver = "accept"
        domains = ["test.example"]
        transport = "local_delivery"

        [[transports]]
        name = "local_delivery"
        driver = "maildir"
        directory = "{dir.Combine("maildir")}/$local_part"

        {transports}

        [plugins.test]
        assembly = "{TestPluginFiles.V1}"
        redirect_driver = "testredirect"
        """;

    private static async Task<(TempDirectory Dir, string ConfigPath)> SetUpAsync(string routers = "", string transports = "")
    {
        var dir = new TempDirectory("redirect-core");
        var path = dir.Combine("exim.toml");
        await File.WriteAllTextAsync(path, Config(dir, routers, transports));
        return (dir, path);
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(TempDirectory dir, string config, params string[] args)
        => EximProcess.RunAsync(dir.Path, ["-C", config, .. args]);

    /// <summary>Submits a message for <paramref name="recipient"/> to the queue (-odq) and returns its id.</summary>
    private static async Task<string> SubmitAsync(TempDirectory dir, string config, string recipient)
    {
        var (code, _, stderr) = await EximProcess.RunWithInputAsync(dir.Path, "Subject: redirect test\n\nhello\n",
            "-C", config, "-odq", "-f", "sender@test.example", recipient);
        Assert.True(code == 0, stderr);
        var received = ReceivedLine().Matches(MainLog(dir)).Last();
        return received.Groups[1].Value;
    }

    private static string MainLog(TempDirectory dir) => Wait.ReadShared(dir.Combine("spool", "log", "mainlog"));

    private static int Delivered(TempDirectory dir, string localPart)
    {
        var path = dir.Combine("maildir", localPart, "new");
        return Directory.Exists(path) ? Directory.GetFiles(path).Length : 0;
    }

    private static bool Queued(TempDirectory dir, string id) => File.Exists(dir.Combine("spool", "input", id + "-H"));

    [GeneratedRegex(@"(\S+) <= sender@test\.example ")]
    private static partial Regex ReceivedLine();

    [Fact]
    public async Task Bt_AnAliasOfItself_RoutesItselfPastTheRouter_AndTheOtherChild()
    {
        var (dir, config) = await SetUpAsync();
        using var _ = dir;

        var (code, stdout, stderr) = await RunAsync(dir, config, "-bt", "postmaster@test.example");

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("postmaster@test.example\n    <-- postmaster@test.example\n  router = local, transport = local_delivery\n", stdout, StringComparison.Ordinal);
        Assert.Contains("joe@test.example\n    <-- postmaster@test.example\n  router = local, transport = local_delivery\n", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bt_ShowsEveryAncestor_AndMarksDuplicates()
    {
        var (dir, config) = await SetUpAsync();
        using var _ = dir;

        var (code, stdout, _) = await RunAsync(dir, config, "-bt", "chain@test.example");

        Assert.Equal(0, code);
        Assert.Equal("""
            joe@test.example
                <-- team@test.example
                <-- chain@test.example
              router = local, transport = local_delivery
            ann@test.example
                <-- team@test.example
                <-- chain@test.example
              router = local, transport = local_delivery
            joe@test.example   [duplicate, would not be delivered]
                <-- team@test.example
                <-- chain@test.example
              router = local, transport = local_delivery
            ann@test.example   [duplicate, would not be delivered]
                <-- team2@test.example
                <-- team@test.example
                <-- chain@test.example
              router = local, transport = local_delivery

            """.Replace("\r", "", StringComparison.Ordinal), stdout);
    }

    [Fact]
    public async Task Bt_Blackhole_IsDiscarded()
    {
        var (dir, config) = await SetUpAsync();
        using var _ = dir;

        var (code, stdout, _) = await RunAsync(dir, config, "-bt", "hole@test.example");

        Assert.Equal(0, code);
        Assert.Equal("mail to hole@test.example is discarded\n", stdout);
    }

    [Fact]
    public async Task Bt_PipeWithAnUnknownTransport_CannotBeResolved_NamingItsParent()
    {
        var (dir, config) = await SetUpAsync();
        using var _ = dir;

        var (code, stdout, _) = await RunAsync(dir, config, "-bt", "piped@test.example");

        Assert.Equal(1, code);
        Assert.Equal("|/bin/cat cannot be resolved at this time: transport \"nosuch\" not found in aliases router\n    <-- piped@test.example\n", stdout);
    }

    [Fact]
    public async Task Delivery_ThroughALoopPreventedAlias_DeliversBothIntoMaildir_WithTheOriginalInTheLogLines()
    {
        var (dir, config) = await SetUpAsync();
        using var _ = dir;
        var id = await SubmitAsync(dir, config, "postmaster@test.example");

        var (code, _, stderr) = await RunAsync(dir, config, "-M", id);

        Assert.True(code == 0, stderr);
        var log = MainLog(dir);
        Assert.Contains($"{id} => postmaster <postmaster@test.example> R=local T=local_delivery", log, StringComparison.Ordinal);
        Assert.Contains($"{id} => joe <postmaster@test.example> R=local T=local_delivery", log, StringComparison.Ordinal);
        Assert.Contains($"{id} Completed", log, StringComparison.Ordinal);
        Assert.Equal((1, 1), (Delivered(dir, "postmaster"), Delivered(dir, "joe")));
        Assert.False(Queued(dir, id));
    }

    [Fact]
    public async Task Delivery_EnvelopeTo_NamesTheOriginalRecipient_NotTheChild()
    {
        var (dir, config) = await SetUpAsync(routers: """
            [[routers]]
            name = "envelope"
            driver = "accept"
            domains = ["test.example"]
            local_parts = ["joe"]
            transport = "envelope_delivery"
            """, transports: """
            [[transports]]
            name = "envelope_delivery"
            driver = "maildir"
            directory = "envelope-maildir/$local_part"
            envelope_to_add = true
            """);
        using var _ = dir;
        var id = await SubmitAsync(dir, config, "postmaster@test.example");

        var (code, _, stderr) = await RunAsync(dir, config, "-M", id);

        Assert.True(code == 0, stderr);
        Assert.Contains($"{id} => joe <postmaster@test.example> R=envelope T=envelope_delivery", MainLog(dir), StringComparison.Ordinal);
        var file = Assert.Single(Directory.GetFiles(dir.Combine("envelope-maildir", "joe", "new")));
        Assert.Contains("Envelope-to: postmaster@test.example\n", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delivery_DuplicatesAreDeliveredOnce_AndABlackholeIsLoggedAndDone()
    {
        var (dir, config) = await SetUpAsync();
        using var _ = dir;
        var id = await SubmitAsync(dir, config, "chain@test.example");

        var (code, _, stderr) = await RunAsync(dir, config, "-M", id);

        Assert.True(code == 0, stderr);
        var log = MainLog(dir);
        Assert.Equal((1, 1), (Delivered(dir, "joe"), Delivered(dir, "ann")));
        Assert.Single(Regex.Matches(log, $@"{id} => joe <chain@test\.example> R=local T=local_delivery"));
        Assert.Contains($"{id} => :blackhole: <hole@test.example> R=aliases", log, StringComparison.Ordinal);
        Assert.Contains($"{id} Completed", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delivery_DeferredChild_IsRetried_WithoutDeliveringItsDeliveredSiblingAgain()
    {
        var rcpts = 0;
        // 451 to the first RCPT, 250 afterwards: the remote child defers once, then is delivered.
        await using var remote = new ScriptedSmtpServer(c => c.StartsWith("RCPT", StringComparison.OrdinalIgnoreCase)
            ? Interlocked.Increment(ref rcpts) == 1 ? "451 4.7.1 try again later" : "250 OK"
            : ScriptedSmtpServer.Answers()(c));
        var (dir, config) = await SetUpAsync($"""
            [[routers]]
            name = "remote"
            driver = "manualroute"
            domains = ["remote.example"]
            route_list = ["* 127.0.0.1"]
            transport = "to_remote"
            """, $"""
            [[transports]]
            name = "to_remote"
            driver = "smtp"
            port = "{remote.Port}"
            """);
        using var _ = dir;
        var id = await SubmitAsync(dir, config, "split@test.example");

        await RunAsync(dir, config, "-M", id);
        var first = MainLog(dir);
        Assert.Contains($"{id} => joe <split@test.example> R=local T=local_delivery", first, StringComparison.Ordinal);
        Assert.Contains($"{id} == far@remote.example <split@test.example> R=remote T=to_remote defer (-44)", first, StringComparison.Ordinal);
        Assert.True(Queued(dir, id));
        Assert.Contains("joe@test.example", await File.ReadAllTextAsync(dir.Combine("spool", "input", id + "-H")), StringComparison.Ordinal);

        var (code, _, stderr) = await RunAsync(dir, config, "-qf"); // forced: past the retry time
        Assert.True(code == 0, stderr);

        var second = MainLog(dir)[first.Length..];
        Assert.Contains($"{id} => far@remote.example <split@test.example> R=remote T=to_remote H=127.0.0.1 [127.0.0.1]", second, StringComparison.Ordinal);
        Assert.DoesNotContain("=> joe", second, StringComparison.Ordinal);
        Assert.Contains($"{id} Completed", second, StringComparison.Ordinal);
        Assert.Equal(1, Delivered(dir, "joe"));
        Assert.False(Queued(dir, id));
    }

    [Fact]
    public async Task Delivery_FileAndPipeWithoutAUsableTransport_AreDeferredWithEximsMessages()
    {
        var (dir, config) = await SetUpAsync();
        using var _ = dir;
        var piped = await SubmitAsync(dir, config, "piped@test.example");
        var filed = await SubmitAsync(dir, config, "filed@test.example");

        await RunAsync(dir, config, "-M", piped, filed);

        var log = MainLog(dir);
        Assert.Contains($"{piped} == |/bin/cat <piped@test.example> R=aliases defer (-30): transport \"nosuch\" not found in aliases router", log, StringComparison.Ordinal);
        Assert.Contains($"{filed} == /tmp/redirected <filed@test.example> R=aliases defer (-30): file_transport unset in aliases router", log, StringComparison.Ordinal);
        Assert.True(Queued(dir, piped) && Queued(dir, filed));
        Assert.False(File.Exists("/tmp/redirected"));
    }

    [Fact]
    public async Task Delivery_FailedChild_IsLoggedWithItsOriginal_AndTheBounceSaysWhereItCameFrom()
    {
        var (dir, config) = await SetUpAsync();
        using var _ = dir;
        var id = await SubmitAsync(dir, config, "fails@test.example");

        var (code, _, stderr) = await RunAsync(dir, config, "-M", id);

        Assert.True(code == 0, stderr);
        Assert.Contains($"{id} ** x@elsewhere.example <fails@test.example>: Unrouteable address", MainLog(dir), StringComparison.Ordinal);
        Assert.Contains($"{id} Completed", MainLog(dir), StringComparison.Ordinal);
        var bounce = Assert.Single(Directory.GetFiles(dir.Combine("maildir", "sender", "new")));
        Assert.Contains("  x@elsewhere.example\n    (generated from fails@test.example)\n    Unrouteable address",
            (await File.ReadAllTextAsync(bounce)).Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bv_FollowsARedirectionToOneAddress_AndAcceptsOneToSeveral()
    {
        var (dir, config) = await SetUpAsync();
        using var _ = dir;

        var (code, stdout, _) = await RunAsync(dir, config, "-bv", "fails@test.example", "team@test.example");

        // verify.c: a single generated address is verified in turn; several end verification with success.
        Assert.Equal(2, code);
        Assert.Equal("fails@test.example failed to verify: Unrouteable address\nteam@test.example verified\n", stdout);
    }
}
