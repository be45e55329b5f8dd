using Exim.Abstractions.Config;

namespace Exim.Host.Tests.Smtp;

/// <summary>Session log lines that need a client no real network test can time: checked in process.</summary>
public sealed class SessionLogLineTests
{
    [Fact]
    public async Task InputBeforeTheGreeting_IsLoggedInEximsShape_WithTheInputEscaped()
    {
        await using var s = await InProcessSession.StartAsync(new MainOptions(), sendFirst: "EHLO early.example\r\nMAIL FROM:<a@b.example>\r\n");

        Assert.Equal("554 SMTP synchronization error", s.Greeting);
        await s.EndAsync();
        Assert.True(s.Logged("SMTP protocol synchronization error (input sent without waiting for greeting): rejected connection from H=[127.0.0.1] input=\"EHLO early.example\\r\\nMAIL FROM:<a@b.example>\\r\\n\""),
            string.Join("\n", s.Log));
    }
}
