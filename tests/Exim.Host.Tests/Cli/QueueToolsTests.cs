using System.Text.RegularExpressions;
using Exim.Mail.Delivery;
using Exim.Mail.Spool;
using Exim.TestKit;

namespace Exim.Host.Tests.Cli;

/// <summary>
/// Exim's queue tools on a spool a real daemon wrote from real SMTP sessions: <c>-bpc</c>, <c>-bp[r][u|a]</c>, <c>-Mvh</c>,
/// <c>-Mvb</c>, <c>-Mf</c>, <c>-Mt</c>, <c>-Mmad</c>, <c>-Mmd</c>, <c>-Mar</c>, <c>-Mes</c> in Exim 4.96's output shapes (and, in the
/// partial files beside this one, message logs and <c>-Mvl</c>, <c>-Mg</c>, <c>-R</c> / <c>-S</c>, and the admin-user checks), and Debian's exiqgrep and exiqsumm (exim4-base 4.96) run
/// unchanged against our binary. The daemon is queue_only; <c>test.example</c> is delivered into a Maildir and
/// <c>defer.example</c> goes to a server that answers 451 to RCPT, so a message can be half delivered.
/// </summary>
public sealed partial class QueueToolsTests : IAsyncLifetime
{
    private readonly ScriptedSmtpServer _defer = new(ScriptedSmtpServer.Answers(rcpt: "451 4.7.1 try again later"));
    private TestDaemon _d = null!;

    public async Task InitializeAsync() => _d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("queue_only = true", "[\"127.0.0.0/8\"]") + $$"""

        [[routers]]
        name = "local"
        driver = "accept"
        domains = "+local_domains"
        transport = "local_delivery"

        [[routers]]
        name = "defer"
        driver = "manualroute"
        route_list = ["defer.example 127.0.0.1"]
        transport = "to_defer"
        self = "send"

        [[transports]]
        name = "local_delivery"
        driver = "maildir"
        directory = "maildir/$local_part"

        [[transports]]
        name = "to_defer"
        driver = "smtp"
        port = "{{_defer.Port}}"
        allow_localhost = true
        """);

    public async Task DisposeAsync()
    {
        await _d.DisposeAsync();
        await _defer.DisposeAsync();
    }

    [Fact]
    public async Task ListingOptions_CountAndListAsEximDoes_UndeliveredOnlyLeavesOutDeliveredRecipients()
    {
        var half = await SendAsync("alice@test.example", "bob@test.example", "x@defer.example");
        var other = await SendAsync("carol@other.example", "y@defer.example");
        var (code, output, errors) = await RunAsync("-M", half); // bob delivered, x deferred
        Assert.True(code == 0, output + errors);
        Assert.True(_d.CountLog($"{half} => bob <bob@test.example>") == 1, _d.MainLog);

        var count = await RunAsync("-bpc");
        var all = await RunAsync("-bp");
        var undelivered = await RunAsync("-bpu");
        var generated = await RunAsync("-bpa");
        var unsorted = await RunAsync("-bpr");
        var unsortedUndelivered = await RunAsync("-bpru");

        Assert.Equal((0, "2\n"), (count.ExitCode, count.Stdout));
        Assert.Equal(0, all.ExitCode);
        Assert.Matches(Listing(
            (half, "alice@test.example", ["        D bob@test.example", "          x@defer.example"]),
            (other, "carol@other.example", ["          y@defer.example"])), all.Stdout);
        Assert.Equal(0, undelivered.ExitCode);
        Assert.Matches(Listing(
            (half, "alice@test.example", ["          x@defer.example"]),
            (other, "carol@other.example", ["          y@defer.example"])), undelivered.Stdout);
        Assert.Equal(all.Stdout, generated.Stdout); // no generated addresses: -bpa is -bp
        Assert.Equal(Blocks(all.Stdout), Blocks(unsorted.Stdout));
        Assert.Equal(Blocks(undelivered.Stdout), Blocks(unsortedUndelivered.Stdout));

        var bad = await RunAsync("-bpx");
        Assert.Equal((1, "exim abandoned: unknown, malformed, or incomplete option -bpx\n"), (bad.ExitCode, bad.Stderr));
    }

    [Fact]
    public async Task ShowHeaderAndBody_CopyTheSpoolFiles_WithTheDataFilesIdLine()
    {
        var id = await SendAsync("alice@test.example", "bob@test.example");

        var header = await RunAsync("-Mvh", id);
        var body = await RunAsync("-Mvb", id);
        var two = await RunAsync("-Mvh", id, id);
        var missing = await RunAsync("-Mvb", "1xVuNZ-000000-00");
        var malformed = await RunAsync("-Mvh", "nonsense");

        Assert.Equal((0, File.ReadAllText(Path.Combine(_d.InputDirectory, id + "-H"))), (header.ExitCode, header.Stdout));
        Assert.StartsWith($"{id}-H\n", header.Stdout, StringComparison.Ordinal);
        Assert.Contains("\n<alice@test.example>\n", header.Stdout, StringComparison.Ordinal);
        Assert.Equal((0, File.ReadAllText(Path.Combine(_d.InputDirectory, id + "-D"))), (body.ExitCode, body.Stdout));
        Assert.StartsWith($"{id}-D\nhello\n", body.Stdout, StringComparison.Ordinal); // the id line is shown
        Assert.Equal((1, "*** Only one message can be listed at once\n"), (two.ExitCode, two.Stdout));
        Assert.Equal((1, "Failed to open input file for 1xVuNZ-000000-00-D: No such file or directory\n"), (missing.ExitCode, missing.Stdout));
        Assert.Equal((1, "exim: malformed message id nonsense after -Mvh option\n"), (malformed.ExitCode, malformed.Stderr));
    }

    [Fact]
    public async Task FreezeAndThaw_RewriteTheHeaderUnderTheLock_PrintAndLogAsExim()
    {
        var id = await SendAsync("alice@test.example", "x@defer.example");
        var user = Environment.UserName;

        var freeze = await RunAsync("-Mf", id);
        var again = await RunAsync("-Mf", id);
        var listed = await RunAsync("-bp", id);
        var frozenHeader = Header(id);

        Assert.Equal((0, $"Message {id} is now frozen\n"), (freeze.ExitCode, freeze.Stdout));
        Assert.Equal((1, $"Message {id} is already frozen\n"), (again.ExitCode, again.Stdout));
        Assert.Matches(FrozenLine(), frozenHeader);
        Assert.EndsWith($"{id} <alice@test.example> *** frozen ***\n          x@defer.example\n\n", listed.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, _d.CountLog($"{id} frozen by {user}"));
        Assert.False(File.Exists(Path.Combine(_d.InputDirectory, id + "-H.tmp")));

        var (code, output, errors) = await RunAsync("-q"); // a queue run leaves a frozen message alone
        Assert.True(code == 0, output + errors);
        Assert.Equal(0, _defer.Connections);

        var thaw = await RunAsync("-Mt", id);
        var thawAgain = await RunAsync("-Mt", id);
        var thawedHeader = Header(id);

        Assert.Equal((0, $"Message {id} is no longer frozen\n"), (thaw.ExitCode, thaw.Stdout));
        Assert.Equal((1, $"Message {id} is not frozen\n"), (thawAgain.ExitCode, thawAgain.Stdout));
        Assert.DoesNotMatch(FrozenLine(), thawedHeader);
        Assert.Contains("\n-manual_thaw\n", thawedHeader, StringComparison.Ordinal);
        Assert.Equal(1, _d.CountLog($"{id} unfrozen by {user}"));
        Assert.Equal(frozenHeader.Replace(FrozenLine().Match(frozenHeader).Value, "\n", StringComparison.Ordinal),
            thawedHeader.Replace("-manual_thaw\n", "", StringComparison.Ordinal)); // nothing else changed

        // A message another process holds (here: this test, as a delivery would) is left as it is.
        Assert.Equal(LockAttempt.Acquired, MessageLock.TryAcquire(_d.InputDirectory, id, out var held));
        using (held)
        {
            var locked = await RunAsync("-Mf", id);
            Assert.Equal((1, $"Message {id} is locked\n"), (locked.ExitCode, locked.Stdout));
        }
        Assert.Equal(thawedHeader, Header(id));

        var missing = await RunAsync("-Mt", "1xVuNZ-000000-00");
        Assert.Equal((1, "Spool data file for 1xVuNZ-000000-00 does not exist\n"), (missing.ExitCode, missing.Stdout));
    }

    [Fact]
    public async Task MarkDelivered_AddsTheAddressesToTheNonRecipientsTree_LogsAsExim_AndTheNextRunDeliversTheRest()
    {
        var id = await SendAsync("alice@test.example", "bob@test.example", "x@defer.example");
        var user = Environment.UserName;
        var before = Header(id);

        var notRecipient = await RunAsync("-Mmd", id, "x@defer.example", "nobody@test.example");
        var noDomain = await RunAsync("-Mmd", id, "bob");
        var noAddress = await RunAsync("-Mmd", id);
        Assert.Equal((1, $"Message {id} - error while marking as delivered:\n  nobody@test.example is not a recipient: message not updated\n"),
            (notRecipient.ExitCode, notRecipient.Stdout));
        Assert.Equal((1, $"Message {id} - error while marking as delivered:\n  bad address bob: domain missing\n"), (noDomain.ExitCode, noDomain.Stdout));
        Assert.Equal((1, $"Message {id} - error while marking as delivered: no address given\n"), (noAddress.ExitCode, noAddress.Stdout));
        Assert.Equal(before, Header(id)); // nothing written
        Assert.Equal(0, _d.CountLog("marked delivered"));

        var mark = await RunAsync("-Mmd", id, "<x@defer.example>");
        var header = Header(id);
        var undelivered = await RunAsync("-bpu");

        Assert.Equal((0, $"Message {id} has been modified\n"), (mark.ExitCode, mark.Stdout));
        Assert.Contains("\nNN x@defer.example\n", header, StringComparison.Ordinal);
        Assert.Equal(before.Replace("\nXX\n", "\nNN x@defer.example\n", StringComparison.Ordinal), header); // nothing else changed
        Assert.Equal(1, _d.CountLog($"{id} address <x@defer.example> marked delivered by {user}"));
        Assert.False(File.Exists(Path.Combine(_d.InputDirectory, id + "-H.tmp")));
        Assert.Matches(Listing((id, "alice@test.example", ["          bob@test.example"])), undelivered.Stdout);

        var (code, output, errors) = await RunAsync("-q"); // bob is delivered, x is not tried: the message is complete
        Assert.True(code == 0, output + errors);
        Assert.Equal(0, _defer.Connections);
        Assert.Equal(1, _d.CountLog($"{id} => bob <bob@test.example>"));
        Assert.Equal(1, _d.CountLog($"{id} Completed"));
        Assert.False(File.Exists(Path.Combine(_d.InputDirectory, id + "-H")));
    }

    [Fact]
    public async Task MarkAllDelivered_MarksEveryRecipient_AndTheNextRunCompletesWithoutDelivering()
    {
        var first = await SendAsync("alice@test.example", "bob@test.example", "x@defer.example");
        var second = await SendAsync("carol@other.example", "y@defer.example");
        var user = Environment.UserName;

        var mark = await RunAsync("-Mmad", first, second);
        var missing = await RunAsync("-Mmad", "1xVuNZ-000000-00");

        Assert.Equal((0, $"Message {first} has been modified\nMessage {second} has been modified\n"), (mark.ExitCode, mark.Stdout));
        Assert.Equal((1, "Spool data file for 1xVuNZ-000000-00 does not exist\n"), (missing.ExitCode, missing.Stdout));
        Assert.Equal(["bob@test.example", "x@defer.example"], SpoolHeaderFile.Parse(Header(first))!.NonRecipients);
        Assert.Equal(["y@defer.example"], SpoolHeaderFile.Parse(Header(second))!.NonRecipients);
        Assert.Equal(1, _d.CountLog($"{first} address <bob@test.example> marked delivered by {user}"));
        Assert.Equal(1, _d.CountLog($"{first} address <x@defer.example> marked delivered by {user}"));
        Assert.Equal(1, _d.CountLog($"{second} address <y@defer.example> marked delivered by {user}"));
        Assert.Matches(Listing((first, "alice@test.example", []), (second, "carol@other.example", [])), (await RunAsync("-bpu")).Stdout);

        // The message is locked while another process holds it, as with -Mf.
        var third = await SendAsync("dave@other.example", "z@defer.example");
        Assert.Equal(LockAttempt.Acquired, MessageLock.TryAcquire(_d.InputDirectory, third, out var held));
        using (held)
        {
            var locked = await RunAsync("-Mmad", third);
            Assert.Equal((1, $"Message {third} is locked\n"), (locked.ExitCode, locked.Stdout));
        }
        Assert.Equal(0, _d.CountLog($"{third} address"));

        var (code, output, errors) = await RunAsync("-q");
        Assert.True(code == 0, output + errors);
        Assert.Equal(0, _d.CountLog($"{first} =>"));
        Assert.Equal(1, _d.CountLog($"{first} Completed"));
        Assert.Equal(1, _d.CountLog($"{second} Completed"));
        Assert.False(File.Exists(Path.Combine(_d.InputDirectory, first + "-H")));
        Assert.False(File.Exists(Path.Combine(_d.InputDirectory, second + "-H")));
    }

    [Fact]
    public async Task AddRecipientAndEditSender_RewriteTheEnvelope_LogAsExim_AndTheNextRunDeliversToTheNewRecipient()
    {
        var id = await SendAsync("alice@test.example", "x@defer.example");
        var user = Environment.UserName;
        var before = Header(id);

        var add = await RunAsync("-Mar", id, "carol@test.example", "<dave@test.example>");
        var added = Header(id);
        var badAdd = await RunAsync("-Mar", id, "eve");
        var twoSenders = await RunAsync("-Mes", id, "a@other.example", "b@other.example");
        var edit = await RunAsync("-Mes", id, "<new@other.example>");
        var edited = Header(id);

        Assert.Equal((0, $"Message {id} has been modified\n"), (add.ExitCode, add.Stdout));
        Assert.Equal(before.Replace("\n1\nx@defer.example\n", "\n3\nx@defer.example\ncarol@test.example\ndave@test.example\n", StringComparison.Ordinal), added);
        Assert.Equal(1, _d.CountLog($"{id} recipient <carol@test.example> added by {user}"));
        Assert.Equal(1, _d.CountLog($"{id} recipient <dave@test.example> added by {user}"));
        Assert.Equal((1, $"Message {id} - error while adding recipient:\n  bad address eve: domain missing\n"), (badAdd.ExitCode, badAdd.Stdout));
        Assert.Equal((1, $"Message {id} - only one sender address can be specified\n"), (twoSenders.ExitCode, twoSenders.Stdout));
        Assert.Equal((0, $"Message {id} has been modified\n"), (edit.ExitCode, edit.Stdout));
        Assert.Equal(added.Replace("\n<alice@test.example>\n", "\n<new@other.example>\n", StringComparison.Ordinal), edited);
        Assert.Equal(1, _d.CountLog($"{id} sender address changed to <new@other.example> by {user}"));
        Assert.Matches(Listing((id, "new@other.example", ["          x@defer.example", "          carol@test.example", "          dave@test.example"])),
            (await RunAsync("-bpu")).Stdout);

        var bounce = await RunAsync("-Mes", id, "<>"); // the null sender is allowed
        Assert.Equal((0, $"Message {id} has been modified\n"), (bounce.ExitCode, bounce.Stdout));
        Assert.Contains("\n<>\n", Header(id), StringComparison.Ordinal);
        Assert.Equal(1, _d.CountLog($"{id} sender address changed to <> by {user}"));

        var (code, output, errors) = await RunAsync("-q"); // the added recipients are delivered, x is deferred
        Assert.True(code == 0, output + errors);
        Assert.Equal(1, _d.CountLog($"{id} => carol <carol@test.example>"));
        Assert.Equal(1, _d.CountLog($"{id} => dave <dave@test.example>"));
        Assert.Matches(Listing((id, "", ["          x@defer.example"])), (await RunAsync("-bpu")).Stdout);
    }

    [Fact]
    public async Task DebiansExiqgrepAndExiqsumm_ReadOurBinarysQueue()
    {
        var half = await SendAsync("alice@test.example", "bob@test.example", "x@defer.example");
        var other = await SendAsync("carol@other.example", "y@defer.example");
        var frozen = await SendAsync("dave@other.example", "z@far.test.example");
        var (code, output, errors) = await RunAsync("-M", half);
        Assert.True(code == 0, output + errors);
        Assert.Equal(0, (await RunAsync("-Mf", frozen)).ExitCode);
        using var bin = new TempDirectory("exiqgrep");
        var exim = Exim4Base.EximWrapper(bin);

        Task<(int Code, string Stdout, string Stderr)> Exiqgrep(params string[] args)
            => Exim4Base.RunAsync("exiqgrep", ["-E", exim, "-C", _d.ConfigPath, .. args]);
        var bySender = await Exiqgrep("-f", "alice");
        var counted = await Exiqgrep("-f", "other\\.example", "-c");
        var frozenOnly = await Exiqgrep("-z", "-i");
        var deliveredRecipient = await Exiqgrep("-r", "bob", "-c");      // -bpu: bob is delivered, so not listed
        var allRecipients = await Exiqgrep("-a", "-r", "bob", "-i");    // -a: exiqgrep reads -bp instead

        Assert.True(bySender.Code == 0, bySender.Stderr);
        Assert.Matches($"^ *0m +[0-9.]+[KM]? {half} <alice@test\\.example>\n\t  x@defer\\.example\n\n$", bySender.Stdout);
        Assert.Equal("2 matches out of 3 messages\n", counted.Stdout);
        Assert.Equal($"{frozen}\n", frozenOnly.Stdout);
        Assert.Equal("0 matches out of 3 messages\n", deliveredRecipient.Stdout);
        Assert.Equal($"{half}\n", allRecipients.Stdout);

        var listing = bin.Write("bp.txt", (await RunAsync("-bp")).Stdout);
        var (summaryCode, summary, summaryErrors) = await Exim4Base.RunAsync("exiqsumm", listing);

        Assert.True(summaryCode == 0, summaryErrors);
        Assert.Matches(@"(?m)^    2  +\S+ +[01]m +[01]m  defer\.example$", summary);
        Assert.Matches(@"(?m)^    1  +\S+ +[01]m +[01]m  far\.test\.example$", summary);
        Assert.Matches(@"(?m)^    3  +\S+ +[01]m +[01]m  TOTAL$", summary);
        Assert.DoesNotMatch(@"(?m)  test\.example$", summary); // bob@test.example is delivered
    }

    /// <summary>queue_list's lines for these messages, oldest first: age (under a minute or two here), size, id, sender, recipients.</summary>
    private static string Listing(params (string Id, string Sender, string[] Recipients)[] messages)
        => "^" + string.Concat(messages.Select(m => $" [01]m +[0-9.]+[KM]? {m.Id} <{Regex.Escape(m.Sender)}>\n"
            + string.Concat(m.Recipients.Select(r => Regex.Escape(r) + "\n")) + "\n")) + "$";

    /// <summary>A listing's messages as a set (the -bpr order is the directory's).</summary>
    private static string[] Blocks(string listing) => [.. listing.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(b => b[4..]).Order(StringComparer.Ordinal)];

    private async Task<string> SendAsync(string sender, params string[] recipients)
    {
        await using var client = await SmtpTestClient.ConnectAsync(_d.Port);
        Assert.StartsWith("220", await client.ReadReplyAsync());
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"));
        var reply = await client.SendMessageAsync(sender, recipients, "Subject: queue tools\n\nhello\n");
        Assert.StartsWith("250", reply);
        await client.CommandAsync("QUIT");
        return reply["250 OK id=".Length..];
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
        => EximProcess.RunAsync(_d.Directory.Path, ["-C", _d.ConfigPath, .. args]);

    private string Header(string id) => File.ReadAllText(Path.Combine(_d.InputDirectory, id + "-H"));

    [GeneratedRegex(@"\n-frozen \d+\n")]
    private static partial Regex FrozenLine();
}
