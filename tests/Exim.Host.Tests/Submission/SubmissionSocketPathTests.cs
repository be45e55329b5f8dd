using Exim.TestKit;

namespace Exim.Host.Tests.Submission;

/// <summary>A configured submission_socket path that holds something else than a dead socket.</summary>
public sealed class SubmissionSocketPathTests
{
    [Fact]
    public async Task ARegularFileAtThePath_IsLeftAlone_AndTheFailedBindGoesToThePanicLog()
    {
        using var directory = new TempDirectory("exim-submit-path");
        var path = directory.Write("submit.sock", "an operator's file");
        await using var daemon = await TestDaemon.StartAsync(SendmailDaemonFixture.Config($"submission_socket = \"{path}\""), directory);

        await daemon.WaitForPanicLogAsync($"cannot listen for local submissions on {path}: exists and is not a socket");
        Assert.Equal("an operator's file", await File.ReadAllTextAsync(path));
    }
}
