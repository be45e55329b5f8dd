using System.Net.Sockets;
using Exim.TestKit;

namespace Exim.Host.Tests.Daemon;

/// <summary>
/// Start-up binds the listeners before plugins and hook scripts load (they then load side by side), so a client can
/// connect before the daemon is ready; its connection waits in the listen queue and must be served by the complete
/// first generation: the accept hook decides its greeting and the stage scripts apply, as for any later connection.
/// </summary>
public sealed class FirstConnectionTests
{
    [Fact]
    public async Task ConnectionsQueuedBeforeTheFirstGeneration_GetTheAcceptHookAndTheStageScripts()
    {
        // The window between the bind and the first generation is the Roslyn compilation of the scripts: on an idle
        // machine with warm caches it can close before both connections are in. Such an attempt proves nothing, so it is
        // tried again on a fresh daemon, at most three times.
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            if (await TryOnceAsync()) return;
        }
        Assert.Fail("in three attempts the daemon was started before both connections were in: the early path was never exercised");
    }

    /// <summary>One attempt: false when both connections came in after start-up (nothing proved), else the assertions.</summary>
    private static async Task<bool> TryOnceAsync()
    {
        var dir = new TempDirectory("exim-first");
        // The spool is new, so its compiled-script cache is empty: Roslyn compiles the scripts during start-up, which
        // keeps the window between the bind and the first generation open.
        dir.Write("scripts/accept.csx", "return Connection.RemoteAddress.ToString() == \"127.0.0.2\" ? Verdict.Reject(\"not you\") : Verdict.Accept;");
        dir.Write("scripts/helo.csx", "return Helo == \"first.example\" ? Verdict.Reject(\"helo policy\") : Verdict.Accept;");
        var port = LoopbackPorts.FreeTcpBelowEphemeral();
        var config = TestDaemon.SmtpConfig().Replace("daemon_smtp_ports = [0]", $"daemon_smtp_ports = [{port}]", StringComparison.Ordinal)
            + "\n[hooks]\naccept = \"scripts/accept.csx\"\nhelo = \"scripts/helo.csx\"\ntimeout = \"5s\"\n";
        await using var d = TestDaemon.Launch(config, dir, null, null, null);

        await using var refused = await ConnectEarlyAsync(d, port, "127.0.0.2");
        await using var accepted = await ConnectEarlyAsync(d, port, "127.0.0.1");
        if (d.MainLog.Contains("daemon started", StringComparison.Ordinal)) return false;

        Assert.Equal("554 not you", await refused.ReadReplyAsync());
        Assert.StartsWith("220 ", await accepted.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("550 helo policy", await accepted.CommandAsync("EHLO first.example"), StringComparison.Ordinal);
        await d.WaitStartedAsync();
        return true;
    }

    /// <summary>Connects as soon as the port listens (every 2 ms, while the daemon runs, for at most the start-up timeout).</summary>
    private static async Task<SmtpTestClient> ConnectEarlyAsync(TestDaemon d, int port, string from)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Startup;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                return await SmtpTestClient.ConnectAsync(port, from, timeout: TimeSpan.FromSeconds(2));
            }
            catch (SocketException)
            {
                if (d.Process.HasExited) throw new InvalidOperationException($"exim -bd exited with {d.Process.ExitCode}: {d.Process.Stderr}");
                await Task.Delay(2);
            }
        }
        throw new TimeoutException($"port {port} did not listen within {TestTimeouts.Startup.TotalSeconds}s\n{d.Process.Stderr}");
    }
}
