using Exim.Abstractions.Queue;
using Exim.Host.Cli;

namespace Exim.Host.Tests.Cli;

/// <summary>exim.c's -R / -S forms: flags as the whole rest of the option, the string in the same argument or the next.</summary>
public sealed class CommandLineParserSelectionTests
{
    [Theory]
    [InlineData(new[] { "-R", "bob@" }, "bob@", null, QueueRunFlags.None, " -R bob@")]
    [InlineData(new[] { "-Rbob@" }, "bob@", null, QueueRunFlags.None, " -R bob@")]
    [InlineData(new[] { "-Rf", "bob" }, "bob", null, QueueRunFlags.Force, " -R bob")]
    [InlineData(new[] { "-Rff", "bob" }, "bob", null, QueueRunFlags.Force | QueueRunFlags.Thaw, " -R bob")]
    [InlineData(new[] { "-Rr", "^b" }, "^b", null, QueueRunFlags.None, " -Rr ^b")]
    [InlineData(new[] { "-Rrff", "^b" }, "^b", null, QueueRunFlags.Force | QueueRunFlags.Thaw, " -Rr ^b")]
    [InlineData(new[] { "-qR", "bob" }, "bob", null, QueueRunFlags.None, " -R bob")]
    [InlineData(new[] { "-qqSf", "alice" }, null, "alice", QueueRunFlags.TwoStage | QueueRunFlags.Force, " -S alice")]
    [InlineData(new[] { "-Srf", "^a", "-R", "bob" }, "bob", "^a", QueueRunFlags.Force, " -R bob -Sr ^a")]
    [InlineData(new[] { "-qf", "-S", "alice" }, null, "alice", QueueRunFlags.Force, " -S alice")]
    public void Parse_SelectionOptions_MakeOneOneOffRun(string[] args, string? recipient, string? sender, QueueRunFlags flags, string logText)
    {
        var r = CommandLineParser.Parse(args);

        Assert.True(r.CommandLine is not null, r.Error);
        var cl = r.CommandLine!;
        Assert.Equal(Mode.QueueRun, cl.Mode);
        Assert.Equal(new QueueRunSpec(null, TimeSpan.Zero, flags), Assert.Single(cl.QueueRuns));
        Assert.Equal((recipient, sender, logText), (cl.Selection!.Recipient, cl.Selection.Sender, cl.Selection.LogText));
        Assert.Empty(cl.Arguments);
    }

    [Theory]
    [InlineData(new[] { "-R" }, "exim: string expected after -R", 1)]
    [InlineData(new[] { "-qS" }, "exim: string expected after -S", 1)]
    [InlineData(new[] { "-q30m", "-R", "bob" }, CommandLineParser.Incompatible, 2)]
    [InlineData(new[] { "-R", "bob", "-bp" }, CommandLineParser.Incompatible, 2)]
    public void Parse_BadSelection_FailsAsExim(string[] args, string error, int code)
    {
        var r = CommandLineParser.Parse(args);

        Assert.Null(r.CommandLine);
        Assert.Equal((error, code), (r.Error, r.ExitCode));
    }
}
