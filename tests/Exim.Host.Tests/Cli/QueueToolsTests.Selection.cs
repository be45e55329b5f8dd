namespace Exim.Host.Tests.Cli;

/// <summary><c>-R</c>, <c>-S</c>, <c>-qR</c>, <c>-qS</c> and their <c>r</c> / <c>f</c> forms: one-off runs of the messages they select.</summary>
public sealed partial class QueueToolsTests
{
    [Fact]
    public async Task SelectByRecipientOrSender_DeliversOnlyTheMatchingMessages_AsQueueCDoes()
    {
        var toBob = await SendAsync("alice@test.example", "bob@test.example");
        var fromCarol = await SendAsync("Carol@Other.example", "dave@test.example");
        var toEve = await SendAsync("alice@test.example", "eve7@test.example");
        var doneBob = await SendAsync("zed@other.example", "bob@test.example", "fred@test.example");
        Assert.Equal(0, (await RunAsync("-Mmd", doneBob, "bob@test.example")).ExitCode); // a recipient already done does not select

        // Substring, case-insensitive, of an undelivered recipient.
        var (code, output, errors) = await RunAsync("-R", "BOB@TEST");
        Assert.True(code == 0, output + errors);
        Assert.Equal(1, _d.CountLog($"{toBob} => bob <bob@test.example>"));
        Assert.Equal(0, _d.CountLog($"{fromCarol} =>") + _d.CountLog($"{toEve} =>") + _d.CountLog($"{doneBob} =>"));
        Assert.Matches(@"Start queue run: pid=\d+ -R BOB@TEST\n", _d.MainLog);

        // -qS: the sender, case-insensitive; f shows in the flags.
        (code, output, errors) = await RunAsync("-qSf", "carol@other");
        Assert.True(code == 0, output + errors);
        Assert.Equal(1, _d.CountLog($"{fromCarol} => dave <dave@test.example>"));
        Assert.Equal(0, _d.CountLog($"{toEve} =>") + _d.CountLog($"{doneBob} =>"));
        Assert.Matches(@"Start queue run: pid=\d+ -qf -S carol@other\n", _d.MainLog);

        // r: a case-insensitive regular expression.
        (code, output, errors) = await RunAsync("-Rr", @"^EVE\d@");
        Assert.True(code == 0, output + errors);
        Assert.Equal(1, _d.CountLog($"{toEve} => eve7 <eve7@test.example>"));
        Assert.Equal(0, _d.CountLog($"{doneBob} =>"));
        Assert.Matches(@"Start queue run: pid=\d+ -Rr \^EVE\\d@\n", _d.MainLog);

        var bad = await RunAsync("-Rr", "(");
        Assert.Equal(1, bad.ExitCode);
        Assert.StartsWith("exim: regular expression error in \"(\"", bad.Stderr, StringComparison.Ordinal);
        var noString = await RunAsync("-S");
        Assert.Equal((1, "exim: string expected after -S\n"), (noString.ExitCode, noString.Stderr));
    }
}
