using Exim.TestKit;

namespace Exim.Host.Tests.Appendfile;

/// <summary>appendfile's configuration errors, each with its file:line:column, as <c>exim -bV</c> reports them.</summary>
public sealed class AppendfileConfigTests
{
    private static async Task<(int Code, string Stderr, string Config)> CheckAsync(string transport)
    {
        using var dir = new TempDirectory("exim-appendfile-config");
        var config = TestDaemon.SmtpConfig() + $$"""

            [plugins.appendfile]
            assembly = "{{RepoPaths.Plugin("appendfile", "Exim.Plugins.Appendfile.dll")}}"

            [[transports]]
            name = "local_mbox"
            driver = "appendfile"
            {{transport}}
            """;
        var path = dir.Write("exim.toml", config);
        var (code, _, stderr) = await EximProcess.RunAsync(dir.Path, "-C", path, "-bV");
        return (code, stderr, config);
    }

    [Theory]
    [InlineData("file = \"/var/mail/$local_part\"\ndirectory = \"/var/mail/dirs\"", "directory", "only one of \"file\" or \"directory\" can be specified")]
    [InlineData("file = \"/var/mail/$local_part\"\nmaildir_format = true", "maildir_format", "maildir_format requires \"directory\" to be specified, not \"file\"")]
    [InlineData("file = \"/var/mail/$local_part\"\ncreate_file = \"inhome\"", "create_file", "\"inhome\" needs the recipient's home directory")]
    [InlineData("file = \"/var/mail/$local_part\"\nmode = \"0689\"", "mode", "\"0689\" is not an octal number")]
    [InlineData("file = \"/var/mail/$local_part\"\nuse_lockfile = false\nuse_fcntl_lock = false", "use_fcntl_lock", "no locking configured")]
    public async Task BadOptions_AreReportedAtTheirPlace(string options, string key, string message)
    {
        var (code, stderr, config) = await CheckAsync(options);

        Assert.NotEqual(0, code);
        var line = Array.FindLastIndex(config.Split('\n'), l => l.StartsWith(key + " =", StringComparison.Ordinal)) + 1;
        Assert.Matches($@"exim\.toml:{line}:1: invalid value for ""{key}"" in transports ""local_mbox"": {System.Text.RegularExpressions.Regex.Escape(message)}", stderr);
    }

    [Fact]
    public async Task ATransportForRedirectedItems_NeedsNoFileOrDirectory()
    {
        var (code, stderr, _) = await CheckAsync("maildir_format = true");

        Assert.True(code == 0, stderr);
    }
}
