using Exim.TestKit;

namespace Exim.Host.Tests.Scripting;

/// <summary>The accept hook in a real daemon, over real connections from different loopback addresses.</summary>
public sealed class AcceptHookTests
{
    private const string ByAddress = """
        switch (Connection.RemoteAddress.ToString())
        {
            case "127.0.0.2": return Verdict.Defer("come back later");
            case "127.0.0.3": return Verdict.Reject("go away");
            case "127.0.0.4": return Verdict.Drop;
            case "127.0.0.5": return null; // no opinion: accepted
        }
        return Verdict.Accept;
        """;

    [Fact]
    public async Task EachVerdict_GivesItsReply_AndIsLoggedAsEximsConnectAcl()
    {
        await using var d = await HookDaemon.StartAsync(ByAddress);

        Assert.StartsWith("220 ", await HookDaemon.GreetingAsync(d, "127.0.0.1"), StringComparison.Ordinal);
        Assert.Equal("421 come back later", await HookDaemon.GreetingAsync(d, "127.0.0.2"));
        Assert.Equal("554 go away", await HookDaemon.GreetingAsync(d, "127.0.0.3"));
        Assert.Equal("", await HookDaemon.GreetingAsync(d, "127.0.0.4")); // closed without a reply
        Assert.StartsWith("220 ", await HookDaemon.GreetingAsync(d, "127.0.0.5"), StringComparison.Ordinal);

        await d.WaitForLogAsync("H=[127.0.0.2] temporarily rejected connection in \"connect\" ACL: come back later");
        await d.WaitForLogAsync("H=[127.0.0.3] rejected connection in \"connect\" ACL: go away");
        await d.WaitForLogAsync("H=[127.0.0.4] dropped connection in \"connect\" ACL (no reply)");
        Assert.Contains("rejected connection in \"connect\" ACL: go away", d.RejectLog, StringComparison.Ordinal);
        Assert.Equal("", d.PanicLog);
    }

    [Fact]
    public async Task Globals_DescribeTheConnection()
    {
        await using var d = await HookDaemon.StartAsync("""
            Log.Info($"hook: {Connection.RemoteAddress} {Connection.RemotePort} {Connection.LocalAddress} {Connection.LocalPort} name={Connection.HostName ?? "-"} slot={Connection.SlotId.Length > 0} total={Counts.Total} fromhost={Counts.FromHost} primary={Main.PrimaryHostname}");
            return Verdict.Accept;
            """);

        var (first, _) = await SmtpTestClient.OpenAsync(d.Port, "127.0.0.7");
        await using var firstClient = first;
        await d.WaitForLogAsync("hook: 127.0.0.7");
        var (second, _) = await SmtpTestClient.OpenAsync(d.Port, "127.0.0.7");
        await using var secondClient = second;
        await d.WaitForLogAsync("fromhost=2");

        var lines = d.MainLog.Split('\n').Where(l => l.Contains("scripts/accept.csx: hook:", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Matches($@"hook: 127\.0\.0\.7 \d+ 127\.0\.0\.1 {d.Port} name=- slot=True total=1 fromhost=1 primary=mx\.test\.example$", lines[0]);
        Assert.Matches($@"hook: 127\.0\.0\.7 \d+ 127\.0\.0\.1 {d.Port} name=- slot=True total=2 fromhost=2 primary=mx\.test\.example$", lines[1]);
    }

    [Fact]
    public async Task ThrowingScript_Defers421_LogsTheLine_AndTheDaemonKeepsServing()
    {
        await using var d = await HookDaemon.StartAsync("""
            var total = 0;
            for (var i = 0; i < 10; i++) total += i;
            if (Connection.RemoteAddress.ToString() == "127.0.0.2")
                throw new InvalidOperationException($"boom {total}");
            return Verdict.Accept;
            """);

        Assert.Equal("421 Temporary local problem - please try later", await HookDaemon.GreetingAsync(d, "127.0.0.2"));
        Assert.StartsWith("220 ", await HookDaemon.GreetingAsync(d, "127.0.0.1"), StringComparison.Ordinal);

        // The line number survives the budget checks the compiler put into the loop above it.
        await d.WaitForLogAsync("accept hook scripts/accept.csx failed for H=[127.0.0.2]: InvalidOperationException: boom 45 at scripts/accept.csx line 4: connection deferred");
    }

    [Theory]
    [InlineData("while (true) { }")]
    [InlineData("var n = 0; for (;;) n++;")]
    [InlineData("void Spin() { while (true) { } } Spin();")]
    [InlineData("System.Func<int, int> f = null; f = x => { while (true) { } }; f(1);")]
    [InlineData("await Task.Delay(60_000);")]
    public async Task RunawayScript_Defers421_WithinItsBudget_AndTheDaemonKeepsServing(string runaway)
    {
        await using var d = await HookDaemon.StartAsync($$"""
            if (Connection.RemoteAddress.ToString() == "127.0.0.2")
            {
                {{runaway}}
            }
            return Verdict.Accept;
            """, timeout: "200ms");

        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.StartsWith("421 ", await HookDaemon.GreetingAsync(d, "127.0.0.2"), StringComparison.Ordinal);
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(10));
        Assert.StartsWith("220 ", await HookDaemon.GreetingAsync(d, "127.0.0.1"), StringComparison.Ordinal);
        await d.WaitForLogAsync("accept hook scripts/accept.csx ran past its 200 ms budget for H=[127.0.0.2]: connection deferred");
    }

    [Fact]
    public async Task Sighup_ChangedScript_AppliesToNewConnectionsOnly()
    {
        await using var d = await HookDaemon.StartAsync("return Verdict.Accept;");
        var (open, greeting) = await SmtpTestClient.OpenAsync(d.Port, "127.0.0.1");
        await using var before = open;
        Assert.StartsWith("220 ", greeting, StringComparison.Ordinal);

        d.Directory.Write("scripts/accept.csx", "return Verdict.Reject(\"closed for the night\");");
        d.Process.Signal(Signals.SIGHUP);
        await d.WaitForLogAsync("configuration reloaded (SIGHUP): generation 1 -> 2");

        Assert.Equal("554 closed for the night", await HookDaemon.GreetingAsync(d, "127.0.0.1"));
        Assert.StartsWith("250", await before.CommandAsync("EHLO still.example"), StringComparison.Ordinal);
        Assert.StartsWith("250", await before.CommandAsync("MAIL FROM:<a@still.example>"), StringComparison.Ordinal);
        await before.CommandAsync("QUIT");

        // Generation 1's daemon plugin and script contexts are both collected once it has drained.
        await d.WaitForLogAsync("generation 1 collected: 2 plugin and script load context(s) unloaded", TestTimeouts.Startup);
    }

    [Fact]
    public async Task Sighup_BrokenScript_KeepsTheOldOne_AndLogsEveryErrorWithItsPosition()
    {
        await using var d = await HookDaemon.StartAsync("return Verdict.Reject(\"old script\");");

        d.Directory.Write("scripts/accept.csx", "var x = 1;\nreturn Verdikt.Accept + Foo;\n");
        d.Process.Signal(Signals.SIGHUP);
        await d.WaitForLogAsync("scripts/accept.csx(2,8): error CS0103: The name 'Verdikt' does not exist in the current context");

        Assert.Contains("scripts/accept.csx(2,25): error CS0103: The name 'Foo' does not exist in the current context", d.MainLog, StringComparison.Ordinal);
        await d.WaitForPanicLogAsync("scripts/accept.csx(2,8): error CS0103");
        Assert.Equal("554 old script", await HookDaemon.GreetingAsync(d, "127.0.0.1"));
        Assert.DoesNotContain("generation 1 -> 2", d.MainLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptToQueue_WithANameOutsideTheSpool_FailsTheHook_AndDefers()
    {
        await using var d = await HookDaemon.StartAsync("return Verdict.AcceptToQueue(\"../../etc\");");

        Assert.Equal("421 Temporary local problem - please try later", await HookDaemon.GreetingAsync(d, "127.0.0.1"));
        await d.WaitForLogAsync("failed for H=[127.0.0.1]: ArgumentException: a queue name starts with a letter or digit: \"../../etc\" (Parameter 'queue') at scripts/accept.csx line 1: connection deferred");
    }
}
