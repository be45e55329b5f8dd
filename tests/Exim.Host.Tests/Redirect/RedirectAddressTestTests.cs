namespace Exim.Host.Tests.Redirect;

/// <summary><c>exim -bt</c> on the aliases file's entries: every item kind printed in Exim's shapes (verify.c).</summary>
[Collection(RedirectDaemonCollection.Name)]
public sealed class RedirectAddressTestTests(RedirectDaemonFixture f)
{
    private async Task<string> TestAsync(string address)
    {
        var (_, stdout, stderr) = await f.RunAsync("-bt", address);
        return stdout + stderr;
    }

    private static void AssertShows(string output, string block) => Assert.True(output.Contains(block, StringComparison.Ordinal), $"no\n{block}\nin\n{output}");

    [Fact]
    public async Task List_EachMemberWithItsParentAndRouter()
    {
        var output = await TestAsync("staff@mx.test");

        AssertShows(output, "alice@mx.test\n    <-- staff@mx.test\n  router = localuser, transport = local_delivery\n");
        AssertShows(output, "bob@mx.test\n    <-- staff@mx.test\n  router = localuser, transport = local_delivery\n");
    }

    [Fact]
    public async Task Include_TheIncludedMembers()
    {
        var output = await TestAsync("team@mx.test");

        AssertShows(output, "carol@mx.test\n    <-- team@mx.test\n  router = localuser, transport = local_delivery\n");
        AssertShows(output, "dave@mx.test\n    <-- team@mx.test\n  router = localuser, transport = local_delivery\n");
    }

    [Fact]
    public async Task SelfReference_TheAliasRouterIsSkippedForItsOwnAncestor()
    {
        var output = await TestAsync("postmaster@mx.test");

        AssertShows(output, "postmaster@mx.test\n    <-- postmaster@mx.test\n  router = localuser, transport = local_delivery\n");
        AssertShows(output, "joe@mx.test\n    <-- postmaster@mx.test\n  router = localuser, transport = local_delivery\n");
    }

    [Fact]
    public async Task Fail_Defer_Blackhole()
    {
        AssertShows(await TestAsync("gone@mx.test"), "gone@mx.test is undeliverable: Carol has left, write to staff@mx.test\n");
        AssertShows(await TestAsync("moving@mx.test"), "moving@mx.test cannot be resolved at this time: mailbox being moved\n");
        AssertShows(await TestAsync("trap@mx.test"), "mail to trap@mx.test is discarded\n");
    }

    [Fact]
    public async Task Pipe_WithItsTransport_ForbiddenPipeUndeliverable()
    {
        AssertShows(await TestAsync("tickets@mx.test"), $"|{f.PipeCommand}\n    <-- tickets@mx.test\n  router = system_aliases, transport = address_pipe\n");
        // The pipe item alone is undeliverable; its parent's other items are not affected.
        AssertShows(await TestAsync("tickets@nopipe.test"), $"|{f.PipeCommand} is undeliverable: delivery to pipe forbidden\n    <-- tickets@nopipe.test\n");
    }

    [Fact]
    public async Task Forward_OfALocalUser()
        => AssertShows(await TestAsync("root@mx.test"), "alice@mx.test\n    <-- root@mx.test\n  router = localuser, transport = local_delivery\n");
}
