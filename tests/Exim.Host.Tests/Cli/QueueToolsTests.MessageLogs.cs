using System.Text.RegularExpressions;
using Exim.TestKit;

namespace Exim.Host.Tests.Cli;

/// <summary>Exim's message logs (<c>spool/msglog/&lt;id&gt;</c>), <c>-Mvl</c>, and their life with <c>-MG</c> and <c>-Mrm</c>.</summary>
public sealed partial class QueueToolsTests
{
    private const string Stamp = @"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ";

    [Fact]
    public async Task MessageLog_RecordsReceptionAndEachDeliveryResult_MvlPrintsIt_AndItGoesWhenTheMessageCompletes()
    {
        var id = await SendAsync("alice@test.example", "bob@test.example", "x@defer.example");
        var path = MessageLogPath(id);

        Assert.True(File.Exists(path), "no message log at reception");
        Assert.Matches($"^{Stamp}Received from alice@test\\.example H=\\S+ \\[127\\.0\\.0\\.1\\] P=esmtp S=\\d+\n$", File.ReadAllText(path));

        var (code, output, errors) = await RunAsync("-M", id); // bob delivered, x deferred (451 to RCPT)
        Assert.True(code == 0, output + errors);
        var shown = await RunAsync("-Mvl", id);

        Assert.Equal((0, File.ReadAllText(path)), (shown.ExitCode, shown.Stdout));
        var lines = shown.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Matches($"^{Stamp}bob@test\\.example: local_delivery transport succeeded$", lines[1]);
        // deliver.c's deferral_log: the == line's text without its marker.
        Assert.Matches($"^{Stamp}x@defer\\.example R=defer T=to_defer defer \\(-44\\)", lines[2]);
        Assert.Contains(lines[2][20..], _d.MainLog, StringComparison.Ordinal);

        var missing = await RunAsync("-Mvl", "1xVuNZ-000000-00");
        Assert.Equal((1, "Failed to open msglog file for 1xVuNZ-000000-00: No such file or directory\n"), (missing.ExitCode, missing.Stdout));

        // Marked delivered, the next run completes the message and its log goes with it.
        Assert.Equal(0, (await RunAsync("-Mmd", id, "x@defer.example")).ExitCode);
        (code, output, errors) = await RunAsync("-q");
        Assert.True(code == 0, output + errors);
        Assert.Equal(1, _d.CountLog($"{id} Completed"));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task MessageLog_MovesWithTheMessage_AndMrmRemovesIt_LoggingRemovedByThenCompleted()
    {
        var id = await SendAsync("alice@test.example", "x@defer.example");
        var user = Environment.UserName;
        var before = File.ReadAllText(MessageLogPath(id));

        Assert.Equal(0, (await RunAsync("-MG", "bulk", id)).ExitCode);
        var moved = _d.Directory.Combine("spool", "bulk", "msglog", id);
        Assert.False(File.Exists(MessageLogPath(id)));
        Assert.Equal(before, File.ReadAllText(moved));
        var shown = await RunAsync("-qGbulk", "-Mvl", id);
        Assert.Equal((0, before), (shown.ExitCode, shown.Stdout));

        var removed = await RunAsync("-qGbulk", "-Mrm", id);

        Assert.Equal((0, $"Message {id} has been removed\n"), (removed.ExitCode, removed.Stdout));
        Assert.False(File.Exists(moved));
        var log = _d.MainLog;
        var at = log.IndexOf($"{id} removed by {user}\n", StringComparison.Ordinal);
        Assert.True(at >= 0, log);
        Assert.Matches($"^{Stamp}{id} Completed\n", log[(log.IndexOf('\n', at) + 1)..]); // queue.c: right after "removed by"
    }

    [Fact]
    public async Task GiveUp_FailsEveryUndeliveredRecipientIntoABounce_LogsCancelledBy_AndCompletes()
    {
        var id = await SendAsync("alice@test.example", "bob@test.example", "x@defer.example", "y@defer.example");
        var user = Environment.UserName;
        Assert.Equal(0, (await RunAsync("-Mmd", id, "bob@test.example")).ExitCode); // done already: not in the bounce
        Assert.Equal(0, (await RunAsync("-Mf", id)).ExitCode);                       // -Mg thaws, as Exim's forced delivery

        var (code, output, errors) = await RunAsync("-Mg", id);

        Assert.True(code == 0, output + errors);
        Assert.Equal(0, _defer.Connections); // nothing is tried
        var log = _d.MainLog;
        Assert.Equal(1, _d.CountLog($"{id} cancelled by {user}"));
        Assert.Equal(0, _d.CountLog($"{id} **"));
        var bounce = Regex.Match(log, $@"(\S+) <= <> R={id} U=\S+ P=local S=\d+");
        Assert.True(bounce.Success, log);
        Assert.Equal(1, _d.CountLog($"{id} Completed"));
        Assert.True(log.IndexOf($"{id} cancelled by", StringComparison.Ordinal) < log.IndexOf($"{id} Completed", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(_d.InputDirectory, id + "-H")));
        Assert.False(File.Exists(MessageLogPath(id)));

        // The bounce went to alice's Maildir, naming the two cancelled recipients with Exim's reason, and not bob.
        await _d.WaitForLogAsync($"{bounce.Groups[1].Value} Completed");
        var files = Directory.EnumerateFiles(_d.Directory.Path, "*", SearchOption.AllDirectories).ToList();
        var mails = files.Where(f => f.Contains("/maildir/alice/", StringComparison.Ordinal)).ToList();
        Assert.True(mails.Count == 1, string.Join("\n", files) + "\n" + _d.MainLog);
        var mail = File.ReadAllText(mails[0]);
        Assert.Contains("x@defer.example", mail, StringComparison.Ordinal);
        Assert.Contains("y@defer.example", mail, StringComparison.Ordinal);
        Assert.Contains("delivery cancelled by administrator", mail, StringComparison.Ordinal);
        Assert.DoesNotContain("bob@test.example", mail, StringComparison.Ordinal);

        var missing = await RunAsync("-Mg", "1xVuNZ-000000-00");
        Assert.Equal((1, "Spool data file for 1xVuNZ-000000-00 does not exist\n"), (missing.ExitCode, missing.Stdout));
    }

    [Fact]
    public async Task MessageLogOptions_FalseWritesNone_PreserveKeepsTheLogInMsglogOld()
    {
        var id = await SendAsync("alice@test.example", "bob@test.example", "x@defer.example");
        var received = File.ReadAllText(MessageLogPath(id));
        var off = _d.Directory.Write("off.toml", "message_logs = false\n" + File.ReadAllText(_d.ConfigPath));
        var keep = _d.Directory.Write("keep.toml", "preserve_message_logs = true\n" + File.ReadAllText(_d.ConfigPath));

        var (code, output, errors) = await EximProcess.RunAsync(_d.Directory.Path, "-C", off, "-M", id); // bob delivered, x deferred
        Assert.True(code == 0, output + errors);
        Assert.Equal(received, File.ReadAllText(MessageLogPath(id))); // nothing appended
        var none = await EximProcess.RunAsync(_d.Directory.Path, "-C", off, "-Mvl", "1xVuNZ-000000-00");
        Assert.Equal((1, "Failed to open msglog file for 1xVuNZ-000000-00: No such file or directory\n"
            + "(No message logs are being created because the message_logs option is false.)\n"), (none.ExitCode, none.Stdout));

        Assert.Equal(0, (await RunAsync("-Mmd", id, "x@defer.example")).ExitCode);
        (code, output, errors) = await EximProcess.RunAsync(_d.Directory.Path, "-C", keep, "-q");
        Assert.True(code == 0, output + errors);
        Assert.Equal(1, _d.CountLog($"{id} Completed"));
        Assert.False(File.Exists(MessageLogPath(id)));
        Assert.Equal(received, File.ReadAllText(_d.Directory.Combine("spool", "msglog.OLD", id)));
    }

    private string MessageLogPath(string id) => _d.Directory.Combine("spool", "msglog", id);
}
