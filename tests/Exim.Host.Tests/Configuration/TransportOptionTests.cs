using Exim.Abstractions.Transports;
using Exim.Host.Configuration;

namespace Exim.Host.Tests.Configuration;

/// <summary>
/// [[transports]] as the generation builds them: the driver looked up among the registered drivers, the core's generic
/// options, and each driver's own options checked by that driver, with file, line and column.
/// </summary>
public sealed class TransportOptionTests
{
    private const string Path = "/etc/exim/exim.toml";

    private static ConfigLoadResult Parse(string text) => TomlConfigLoader.Parse(text, Path);

    [Fact]
    public void UnknownDriver_IsAnErrorAtTheDriver_NamingTheKnownDrivers()
    {
        var errors = TransportBuild.Errors(Parse("[[transports]]\nname = \"t\"\ndriver = \"nope\"\n"));

        Assert.Equal($"{Path}:3:1: unknown driver \"nope\" in transports \"t\" (known: maildir, smtp)", errors);
    }

    [Fact]
    public void OptionOfAnotherBuiltInDriver_IsRefusedByTheDriver()
    {
        var errors = TransportBuild.Errors(Parse("[[transports]]\nname = \"t\"\ndriver = \"maildir\"\ndirectory = \"/tmp/x\"\nport = 25\nbogus = 1\n"));

        Assert.Contains($"{Path}:5:1: option \"port\" is not valid for the maildir driver in transports \"t\"", errors, StringComparison.Ordinal);
        Assert.Contains($"{Path}:6:1: unknown option \"bogus\" in transports \"t\"", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void GenericOptions_ForceHeadersOnAndOff_AndBatchMax()
    {
        var (errors, transports) = TransportBuild.Build(Parse("""
            [[transports]]
            name = "t"
            driver = "maildir"
            directory = "/tmp/x"
            return_path_add = false
            envelope_to_add = true
            delivery_date_add = true
            batch_max = 20
            """));

        Assert.Empty(errors);
        var t = transports["t"];
        Assert.Equal((MessageWriteOptions.EnvelopeTo | MessageWriteOptions.DeliveryDate, MessageWriteOptions.ReturnPath, 20), (t.Add, t.Remove, t.BatchMax));
        Assert.Equal(1, TransportBuild.Build(Parse("[[transports]]\nname = \"t\"\ndriver = \"maildir\"\n")).Transports["t"].BatchMax); // Exim's default
    }

    [Theory]
    [InlineData("driver = \"maildir\"\nbatch_max = 0", "4:1: invalid value for \"batch_max\" in transports \"t\": 0 is below the minimum of 1")]
    [InlineData("driver = \"maildir\"\nenvelope_to_add = \"yes\"", "4:1: invalid value for \"envelope_to_add\" in transports \"t\": expected true or false, found the string \"yes\"")]
    [InlineData("driver = \"smtp\"\nbatch_max = 5", "4:1: batch_max in transports \"t\": a remote transport's recipients per message are its driver's (max_rcpt for smtp)")]
    public void GenericOptions_BadValues_AreErrorsWithPositions(string lines, string expected)
    {
        var errors = TransportBuild.Errors(Parse($"[[transports]]\nname = \"t\"\n{lines}\n"));

        Assert.Contains($"{Path}:{expected}", errors, StringComparison.Ordinal);
    }
}
