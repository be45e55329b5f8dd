using Exim.Abstractions.Queue;
using Exim.Host.Cli;

namespace Exim.Host.Tests.Cli;

public sealed class CommandLineParserTests
{
    private static CommandLine Parse(params string[] args)
    {
        var r = CommandLineParser.Parse(args);
        Assert.True(r.CommandLine is not null, r.Error);
        return r.CommandLine!;
    }

    [Fact]
    public void Parse_DaemonWithConfig()
    {
        var cl = Parse("-C", "/etc/exim.toml", "-bd");

        Assert.Equal(Mode.Daemon, cl.Mode);
        Assert.Equal("/etc/exim.toml", cl.ConfigPath);
    }

    [Theory]
    [InlineData("--dumpdb", "DumpDatabase")]
    [InlineData("--tidydb", "TidyDatabase")]
    public void Parse_HintsDatabaseCommands_TakeEverythingAfterThemAsTheirOwn(string option, string mode)
    {
        var cl = Parse("-C", "/etc/exim.toml", option, "-t", "7d", "-z", "retry");

        Assert.Equal(mode, cl.Mode.ToString());
        Assert.Equal("/etc/exim.toml", cl.ConfigPath);
        Assert.Equal<string>(["-t", "7d", "-z", "retry"], cl.Arguments);
    }

    [Fact]
    public void Parse_DefaultConfig_IsEximTomlInTheCurrentDirectory() => Assert.Equal("exim.toml", Parse("-bV").ConfigPath);

    [Fact]
    public void Parse_PrintOptions_TakesNamesAfterTheOptions()
    {
        var cl = Parse("-n", "-bP", "smtp_accept_max", "queue_only");

        Assert.Equal(Mode.PrintOptions, cl.Mode);
        Assert.True(cl.NoNames);
        Assert.Equal<string>(["smtp_accept_max", "queue_only"], cl.Arguments);
    }

    [Theory]
    [InlineData("-q30m", null, 1800, QueueRunFlags.None)]
    [InlineData("-qq1h", null, 3600, QueueRunFlags.TwoStage)]
    [InlineData("-qff5m", null, 300, QueueRunFlags.Force | QueueRunFlags.Thaw)]
    [InlineData("-qiG", null, 0, QueueRunFlags.None)] // malformed: G needs a name, checked below
    [InlineData("-qGbulk/2m", "bulk", 120, QueueRunFlags.None)]
    [InlineData("-qqGlist/1h", "list", 3600, QueueRunFlags.TwoStage)]
    [InlineData("-qil", null, 0, QueueRunFlags.FirstDeliveryOnly | QueueRunFlags.LocalOnly)]
    public void TryParseQueueRun_ReadsEximsFlagOrder(string arg, string? name, int seconds, QueueRunFlags flags)
    {
        var ok = CommandLineParser.TryParseQueueRun(arg, out var spec);
        if (arg == "-qiG")
        {
            Assert.False(ok);
            return;
        }
        Assert.True(ok);
        Assert.Equal(new QueueRunSpec(name, TimeSpan.FromSeconds(seconds), flags), spec);
    }

    [Fact]
    public void Parse_PeriodicQueueRunsMakeADaemon()
    {
        var cl = Parse("-bd", "-qGbulk/2m", "-q10m");

        Assert.Equal(Mode.Daemon, cl.Mode);
        Assert.Equal(2, cl.QueueRuns.Length);
    }

    [Theory]
    [InlineData("-bd", "-q")]
    [InlineData("-bd", "-bP")]
    [InlineData("-q30m", "-bp")]
    [InlineData("-bt", "-bh", "1.2.3.4")]
    [InlineData("-bV", "-bd")]
    [InlineData("-qfGbulk", "-bp")]                 // a run with flags is a run, not a queue selection
    [InlineData("-qGbulk", "-bt", "a@b.example")]   // -bt works on no queue
    [InlineData("-q", "-qGbulk")]                    // one run per process
    public void Parse_IncompatibleModes_GiveEximsErrorAndExit2(params string[] args)
    {
        var r = CommandLineParser.Parse(args);

        Assert.Null(r.CommandLine);
        Assert.Equal("exim: incompatible command-line options or arguments", r.Error);
        Assert.Equal(2, r.ExitCode);
    }

    [Fact]
    public void Parse_SameQueueTwice_IsFatal()
    {
        var r = CommandLineParser.Parse(["-q10m", "-q20m"]);

        Assert.Equal("exim: queue-runner specified more than once", r.Error);
    }

    [Theory]
    [InlineData("-bz")]
    [InlineData("-C")]
    [InlineData("-q5x")]
    [InlineData("-bpx")]
    [InlineData("-bpur")]   // r comes first
    [InlineData("-bpua")]
    [InlineData("-bpcr")]   // nothing after c
    [InlineData("-Mx")]
    public void Parse_UnknownOrIncompleteOption_IsMalformed(string arg)
    {
        var r = CommandLineParser.Parse([arg]);

        Assert.Equal($"exim abandoned: unknown, malformed, or incomplete option {arg}", r.Error);
        Assert.Equal(1, r.ExitCode);
    }

    [Theory]
    [InlineData("-bp")]
    [InlineData("-M")]
    [InlineData("-Mrm")]
    [InlineData("-MG")]
    [InlineData("-bpc")]
    [InlineData("-bpru")]
    [InlineData("-Mf")]
    [InlineData("-Mt")]
    [InlineData("-Mvh")]
    [InlineData("-Mvb")]
    public void Parse_BareQueueNameBesideAQueueCommand_SelectsTheQueue(string command)
    {
        var cl = Parse("-qGbulk", command, "x");

        Assert.Equal("bulk", cl.QueueName);
        Assert.NotEqual(Mode.QueueRun, cl.Mode);
        Assert.Empty(cl.QueueRuns);
        Assert.Equal<string>(["x"], cl.Arguments);
    }

    [Theory]
    [InlineData("-bp", "Basic", false)]
    [InlineData("-bpu", "UndeliveredOnly", false)]
    [InlineData("-bpa", "PlusGenerated", false)]
    [InlineData("-bpr", "Basic", true)]
    [InlineData("-bpru", "UndeliveredOnly", true)]
    [InlineData("-bpra", "PlusGenerated", true)]
    public void Parse_ListQueueVariants_AsExim496Accepts(string option, string kind, bool unsorted)
    {
        var cl = Parse(option);

        Assert.Equal(Mode.ListQueue, cl.Mode);
        Assert.Equal(new QueueListing(Enum.Parse<QueueListKind>(kind), unsorted), cl.Listing);
    }

    [Theory]
    [InlineData("-bpc", "CountQueue")]
    [InlineData("-Mf", "FreezeMessages")]
    [InlineData("-Mt", "ThawMessages")]
    [InlineData("-Mvh", "ShowHeader")]
    [InlineData("-Mvb", "ShowBody")]
    public void Parse_QueueTools_SelectTheirMode(string option, string mode) => Assert.Equal(mode, Parse(option, "x").Mode.ToString());

    [Fact]
    public void Parse_BareQueueNameAlone_IsARunOfThatQueue()
    {
        var cl = Parse("-qGbulk", "1xVuNW-1YoJY9-0n");

        Assert.Equal(Mode.QueueRun, cl.Mode);
        Assert.Null(cl.QueueName);
        Assert.Equal(new QueueRunSpec("bulk", TimeSpan.Zero, QueueRunFlags.None), cl.QueueRuns.Single());
        Assert.Equal<string>(["1xVuNW-1YoJY9-0n"], cl.Arguments); // the start id
    }

    [Theory]
    [InlineData("-qG..", "a queue name starts with a letter or digit")]
    [InlineData("-qGa+b/1m", "a queue name has only letters, digits")]
    [InlineData("-qGinput", "'input' is a spool directory, not a queue name")]
    public void Parse_QueueNamesThatCouldLeaveTheSpool_AreRefused(string arg, string why)
    {
        var r = CommandLineParser.Parse([arg]);

        Assert.Null(r.CommandLine);
        Assert.StartsWith($"exim: {why}", r.Error, StringComparison.Ordinal);
        Assert.Equal(1, r.ExitCode);
    }
}
