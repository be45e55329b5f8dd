using Exim.Host.Configuration;

namespace Exim.Host.Tests.Configuration;

/// <summary>Options issue 9 added or made stricter: ports as TOML integers or checked names, qualify_domain and qualify_recipient.</summary>
public sealed class PortAndQualifyOptionTests
{
    private const string Path = "/etc/exim/exim.toml";

    private static ConfigLoadResult Parse(string text) => TomlConfigLoader.Parse(text, Path);

    private static string Errors(ConfigLoadResult r) => string.Join("\n", r.Errors);

    private const string Transport = "[[transports]]\nname = \"remote_smtp\"\ndriver = \"smtp\"\n";

    [Theory]
    [InlineData("port = 2525", "2525")]
    [InlineData("port = \"2525\"", "2525")]
    [InlineData("port = \"submission\"", "submission")]
    public void TransportPort_TakesAnIntegerOrAName(string line, string expected)
    {
        var result = Parse(Transport + line);

        Assert.Equal(expected, TransportBuild.Options(result, "remote_smtp").Port);
    }

    [Theory]
    [InlineData("port = 70000", "70000 is above the maximum of 65535")]
    [InlineData("port = -1", "-1 is below the minimum of 0")]
    [InlineData("port = \"no-such-service\"", "TCP port \"no-such-service\" not found")]
    [InlineData("port = true", "expected a port number or service name")]
    public void TransportPort_BadValues_AreErrorsWithPositions(string line, string message)
    {
        var result = Parse(Transport + line);

        Assert.Contains($"{Path}:4:1: invalid value for \"port\" in transports \"remote_smtp\": {message}", TransportBuild.Errors(result), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("daemon_smtp_ports = 2525", new[] { "2525" })]
    [InlineData("daemon_smtp_ports = [25, \"submission\"]", new[] { "25", "submission" })]
    [InlineData("daemon_smtp_port = 587", new[] { "587" })]
    public void DaemonSmtpPorts_TakesAnIntegerAlone(string line, string[] expected)
    {
        var result = Parse(line);

        Assert.True(result.Succeeded, Errors(result));
        Assert.Equal<string>(expected, result.Config.Config.Main.DaemonSmtpPorts);
    }

    [Fact]
    public void DaemonSmtpPorts_OutOfRange_IsAnError()
    {
        var result = Parse("daemon_smtp_ports = [25, 99999]");

        Assert.False(result.Succeeded);
        Assert.Contains($"{Path}:1:1: invalid value for \"daemon_smtp_ports\": 99999 is above the maximum of 65535", Errors(result), StringComparison.Ordinal);
    }

    [Fact]
    public void QualifyDomainAndRecipient_DefaultInChain()
    {
        var plain = Parse("primary_hostname = \"mx.example\"").Config!.Config.Main;
        var domain = Parse("primary_hostname = \"mx.example\"\nqualify_domain = \"example\"").Config!.Config.Main;
        var both = Parse("primary_hostname = \"mx.example\"\nqualify_domain = \"example\"\nqualify_recipient = \"users.example\"").Config!.Config.Main;

        Assert.Equal(("mx.example", "mx.example"), (plain.QualifyDomain, plain.QualifyRecipient));
        Assert.Equal(("example", "example"), (domain.QualifyDomain, domain.QualifyRecipient));
        Assert.Equal(("example", "users.example"), (both.QualifyDomain, both.QualifyRecipient));
    }
}
