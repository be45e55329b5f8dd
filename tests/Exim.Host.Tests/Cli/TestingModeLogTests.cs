using Exim.TestKit;

namespace Exim.Host.Tests.Cli;

/// <summary>
/// Exim's testing commands never write the live logs: <c>-bV</c> and <c>-bP</c> log nothing, and <c>-bt</c> shows the
/// lines it would log on stderr (exim.c sets log_testing_mode for all three).
/// </summary>
public sealed class TestingModeLogTests
{
    private const string Config = """
        spool_directory = "spool"
        primary_hostname = "mx.test.example"
        local_domains = ["test.example"]

        [[transports]]
        name = "local_delivery"
        driver = "maildir"
        directory = "mail/$local_part"

        [[routers]]
        name = "localuser"
        driver = "accept"
        domains = "+local_domains"
        transport = "local_delivery"

        [plugins.interface-scanner]
        assembly = "{scanner}"
        """;

    [Theory]
    [InlineData("-bV")]
    [InlineData("-bP")]
    [InlineData("-bP", "smtp_accept_max")]
    [InlineData("-bt", "user@test.example")]
    [InlineData("-bt", "user@nowhere.example")]
    public async Task TestingCommands_LeaveTheLiveLogsUntouched(params string[] command)
    {
        using var dir = new TempDirectory();
        var config = dir.Write("exim.toml", Config.Replace("{scanner}", RepoPaths.Plugin("interface-scanner", "Exim.Plugins.InterfaceScanner.dll"), StringComparison.Ordinal));
        var mainlog = dir.Write("spool/log/mainlog", "2026-01-01 00:00:00 a line already there\n");

        var (code, stdout, stderr) = await EximProcess.RunAsync(dir.Path, ["-C", config, .. command]);

        Assert.True(code is 0 or 2, $"exit {code}: {stdout}{stderr}");
        Assert.Equal("2026-01-01 00:00:00 a line already there\n", await File.ReadAllTextAsync(mainlog));
        Assert.Equal(["mainlog"], Directory.GetFiles(dir.Combine("spool", "log")).Select(Path.GetFileName));
        Assert.DoesNotContain("generation 1", stderr, StringComparison.Ordinal);
    }
}
