using Exim.TestKit;

namespace Exim.Host.Tests.Log;

/// <summary>logrotate's default (rename, no signal): the next line goes to a new file at the configured path.</summary>
public sealed class LogRotationTests
{
    [Fact]
    public async Task MainlogRenamedUnderARunningDaemon_NextLineGoesToANewFileAtThePath()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());
        var port = d.Port; // read from the start-up line, in the file about to be moved
        var first = await SendAsync(port);
        await d.WaitForLogAsync($"{first} <= a@test.example");

        var rotated = d.MainLogPath + ".1";
        File.Move(d.MainLogPath, rotated);
        var second = await SendAsync(port);

        await d.WaitForLogAsync($"{second} <= a@test.example");
        Assert.Contains($"{first} <= a@test.example", File.ReadAllText(rotated), StringComparison.Ordinal);
        Assert.DoesNotContain(second, File.ReadAllText(rotated), StringComparison.Ordinal);
        Assert.DoesNotContain(first, d.MainLog, StringComparison.Ordinal);
    }

    private static async Task<string> SendAsync(int port)
    {
        await using var client = await SmtpTestClient.ConnectAsync(port);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.test");
        var reply = await client.SendMessageAsync("a@test.example", ["b@test.example"], "Subject: s\n\nbody");
        Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        await client.CommandAsync("QUIT");
        return reply["250 OK id=".Length..];
    }
}
