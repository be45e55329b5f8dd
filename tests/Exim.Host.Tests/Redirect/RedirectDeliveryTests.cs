namespace Exim.Host.Tests.Redirect;

/// <summary>
/// The redirect router and the pipe transport as plugins in a running daemon: messages received over SMTP, delivered
/// with -M through the aliases file into Maildirs, a pipe, bounces and the queue; the log lines are Exim's.
/// </summary>
[Collection(RedirectDaemonCollection.Name)]
public sealed class RedirectDeliveryTests(RedirectDaemonFixture f)
{
    private async Task<string> DeliverAsync(string to, string subject)
    {
        var id = await f.SendAsync("sender@mx.test", to, subject);
        var (code, stdout, stderr) = await f.RunAsync("-M", id);
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}\n{f.Daemon.MainLog}");
        return id;
    }

    private void AssertLogged(string id, string line)
        => Assert.True(f.LogOf(id).Contains(line), $"no \"{line}\" in:\n{string.Join("\n", f.LogOf(id))}");

    [Fact]
    public async Task AliasToTwoUsers_BothMaildirsGetIt()
    {
        var id = await DeliverAsync("staff@mx.test", "to-staff");

        AssertLogged(id, "=> alice <staff@mx.test> R=localuser T=local_delivery");
        AssertLogged(id, "=> bob <staff@mx.test> R=localuser T=local_delivery");
        AssertLogged(id, "Completed");
        Assert.Contains(f.Delivered("alice"), m => m.Contains("Body of to-staff.", StringComparison.Ordinal));
        Assert.Contains(f.Delivered("bob"), m => m.Contains("Body of to-staff.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Include_DeliversToTheListsMembers()
    {
        var id = await DeliverAsync("team@mx.test", "to-team");

        AssertLogged(id, "=> carol <team@mx.test> R=localuser T=local_delivery");
        AssertLogged(id, "=> dave <team@mx.test> R=localuser T=local_delivery");
        Assert.Contains(f.Delivered("carol"), m => m.Contains("Body of to-team.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PostmasterAliasedToItselfAndJoe_TheRouterIsSkippedForItsOwnAncestor()
    {
        var id = await DeliverAsync("postmaster@mx.test", "to-postmaster");

        AssertLogged(id, "=> postmaster <postmaster@mx.test> R=localuser T=local_delivery");
        AssertLogged(id, "=> joe <postmaster@mx.test> R=localuser T=local_delivery");
        Assert.Contains(f.Delivered("postmaster"), m => m.Contains("Body of to-postmaster.", StringComparison.Ordinal));
        Assert.Contains(f.Delivered("joe"), m => m.Contains("Body of to-postmaster.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fail_BouncesWithItsText()
    {
        var id = await DeliverAsync("gone@mx.test", "to-gone");

        AssertLogged(id, "** gone@mx.test R=system_aliases: Carol has left, write to staff@mx.test");
        Assert.Contains(f.Delivered("sender"), m => m.Contains("Carol has left, write to staff@mx.test", StringComparison.Ordinal)
            && m.Contains("Subject: to-gone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Defer_StaysQueuedWithItsText()
    {
        var id = await DeliverAsync("moving@mx.test", "to-moving");

        AssertLogged(id, "== moving@mx.test R=system_aliases defer (-1): mailbox being moved");
        Assert.True(File.Exists(f.Daemon.Directory.Combine("spool", "input", id + "-H")));
    }

    [Fact]
    public async Task Blackhole_IsLoggedAndDiscarded()
    {
        var id = await DeliverAsync("trap@mx.test", "to-trap");

        AssertLogged(id, "=> :blackhole: <trap@mx.test> R=system_aliases");
        AssertLogged(id, "Completed");
    }

    [Fact]
    public async Task Pipe_TheCommandGetsTheMessageOnItsStdin()
    {
        var id = await DeliverAsync("tickets@mx.test", "to-tickets");

        AssertLogged(id, $"=> |{f.PipeCommand} <tickets@mx.test> R=system_aliases T=address_pipe");
        var text = File.ReadAllText(f.PipeOutput);
        Assert.StartsWith("From sender@mx.test ", text, StringComparison.Ordinal);
        Assert.Contains("\nReturn-path: <sender@mx.test>\n", text, StringComparison.Ordinal);
        Assert.Contains("Subject: to-tickets", text, StringComparison.Ordinal);
        Assert.Contains("Body of to-tickets.", text, StringComparison.Ordinal);
        // $local_part and $domain of a pipe are its parent's (deliver.c).
        var env = File.ReadAllLines(f.PipeEnvironment);
        Assert.Contains("LOCAL_PART=tickets", env);
        Assert.Contains("DOMAIN=mx.test", env);
        Assert.Contains("RECIPIENT=tickets@mx.test", env);
        Assert.Contains("SENDER=sender@mx.test", env);
        Assert.Contains($"MESSAGE_ID={id}", env);
    }

    [Fact]
    public async Task Pipe_ThatExitsNonZero_FailsWithEximsMessage()
    {
        var id = await DeliverAsync("broken@mx.test", "to-broken");

        AssertLogged(id, "** |/bin/sh -c 'exit 1' <broken@mx.test> R=system_aliases T=address_pipe: Child process of address_pipe transport returned 1 from command: /bin/sh -c \"exit 1\"");
    }

    [Fact]
    public async Task Pipe_WhereForbidden_FailsThatItemAlone_TheBounceNamesOnlyIt_AndItsSiblingIsDelivered()
    {
        var id = await DeliverAsync("mixed@nopipe.test", "to-mixed");

        var pipe = $"|/bin/sh -c 'cat > {f.Daemon.Directory.Combine("forbidden-output")}'";
        AssertLogged(id, $"** {pipe} <mixed@nopipe.test> R=nopipe_aliases T=address_pipe: delivery to pipe forbidden");
        AssertLogged(id, "=> alice <mixed@nopipe.test> R=localuser T=local_delivery");
        AssertLogged(id, "Completed");
        Assert.False(File.Exists(f.Daemon.Directory.Combine("forbidden-output")), "the forbidden pipe ran");
        Assert.Contains(f.Delivered("alice"), m => m.Contains("Subject: to-mixed", StringComparison.Ordinal));
        var bounce = Assert.Single(f.Delivered("sender"), m => m.Contains("Subject: to-mixed", StringComparison.Ordinal) && m.Contains("delivery to pipe forbidden", StringComparison.Ordinal));
        Assert.Contains($"  pipe to {pipe}\n    generated by mixed@nopipe.test\n", bounce, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", bounce[..bounce.IndexOf("Subject: to-mixed", StringComparison.Ordinal)], StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileItem_IsAppendedToTheMboxByTheFileTransport()
    {
        var id = await DeliverAsync("archive@mx.test", "to-archive");

        var mbox = f.Daemon.Directory.Combine("archive.mbox");
        AssertLogged(id, $"=> {mbox} <archive@mx.test> R=system_aliases T=address_file");
        AssertLogged(id, "Completed");
        var text = File.ReadAllText(mbox);
        Assert.StartsWith("From sender@mx.test ", text, StringComparison.Ordinal);
        Assert.Contains("Subject: to-archive", text, StringComparison.Ordinal);
        Assert.EndsWith("Body of to-archive.\n\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DirectoryItem_IsAMaildirDeliveryByTheDirectoryTransport_NextToItsSibling()
    {
        var id = await DeliverAsync("lists@mx.test", "to-lists");

        var folder = f.Daemon.Directory.Combine("folders", "lists") + "/";
        AssertLogged(id, $"=> {folder} <lists@mx.test> R=system_aliases T=address_directory");
        AssertLogged(id, "=> joe <lists@mx.test> R=localuser T=local_delivery");
        var delivered = Assert.Single(Directory.GetFiles(folder + "new"));
        Assert.Contains("Body of to-lists.", File.ReadAllText(delivered), StringComparison.Ordinal);
        Assert.Contains(f.Delivered("joe"), m => m.Contains("Body of to-lists.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ADeferredChild_WaitsForItsRetryTime_InAQueueRun_ButNotInAForcedOne()
    {
        int Runs() => File.Exists(f.FlakyRuns) ? File.ReadAllLines(f.FlakyRuns).Length : 0;
        var before = Runs();
        var id = await DeliverAsync("flaky@mx.test", "to-flaky");
        AssertLogged(id, "=> alice <flaky@mx.test> R=localuser T=local_delivery");
        AssertLogged(id, "== joe@flaky.test <flaky@mx.test> R=to_flaky T=flaky_pipe defer (0): Child process of flaky_pipe transport returned 75 (could mean temporary error) from command: /bin/sh -c \"echo run >> " + f.FlakyRuns + "; exit 75\"");
        Assert.Equal(before + 1, Runs());

        var (code, stdout, stderr) = await f.RunAsync("-q");
        Assert.True(code == 0, stdout + stderr);
        Assert.Equal(before + 1, Runs()); // the child's retry time (15m) has not come
        AssertLogged(id, "== joe@flaky.test <flaky@mx.test> routing defer (-52): retry time not reached");

        (code, stdout, stderr) = await f.RunAsync("-qf");
        Assert.True(code == 0, stdout + stderr);
        Assert.Equal(before + 2, Runs());
    }

    [Fact]
    public async Task Forward_OfALocalUser_Redirects()
    {
        var id = await DeliverAsync("root@mx.test", "to-root");

        AssertLogged(id, "=> alice <root@mx.test> R=localuser T=local_delivery");
    }

    [Fact]
    public async Task PipeTransport_ForAnAddressARouterAccepted_RunsItsCommandWithEximsEnvironment()
    {
        var id = await DeliverAsync("joe@pipe.test", "to-command");

        AssertLogged(id, "=> joe <joe@pipe.test> R=to_command T=command_pipe");
        var text = File.ReadAllText(f.CommandOutput);
        Assert.StartsWith("From sender@mx.test ", text, StringComparison.Ordinal);
        Assert.Contains("Body of to-command.", text, StringComparison.Ordinal);
    }
}
