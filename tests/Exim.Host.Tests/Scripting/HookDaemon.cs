using Exim.TestKit;

namespace Exim.Host.Tests.Scripting;

/// <summary>A real daemon with hook scripts written into its directory under scripts/.</summary>
internal static class HookDaemon
{
    public static string Hooks(string? accept = "scripts/accept.csx", string? childExit = null, string timeout = "200ms") => $"""

        [hooks]
        {(accept is null ? "" : $"accept = \"{accept}\"")}
        {(childExit is null ? "" : $"child_exit = \"{childExit}\"")}
        timeout = "{timeout}"
        """;

    /// <summary>Starts a daemon on <see cref="TestDaemon.SmtpConfig"/> plus <paramref name="extra"/>, with the given scripts.</summary>
    public static Task<TestDaemon> StartAsync(string? accept, string? childExit = null, string extra = "", string mainOptions = "", string timeout = "200ms")
    {
        var dir = new TempDirectory("exim-hooks");
        if (accept is not null) dir.Write("scripts/accept.csx", accept);
        if (childExit is not null) dir.Write("scripts/child-exit.csx", childExit);
        var config = TestDaemon.SmtpConfig(mainOptions) + extra + Hooks(
            accept is null ? null : "scripts/accept.csx", childExit is null ? null : "scripts/child-exit.csx", timeout);
        return TestDaemon.StartAsync(config, dir);
    }

    /// <summary>Connects from <paramref name="from"/> and returns the first reply, or "" when the server closed without one.</summary>
    public static async Task<string> GreetingAsync(TestDaemon d, string from)
    {
        await using var client = await SmtpTestClient.ConnectAsync(d.Port, from);
        return await client.ReadReplyAsync();
    }
}
