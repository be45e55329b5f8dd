using System.Net.Sockets;
using Exim.TestKit;

namespace Exim.Host.Tests.Daemon;

/// <summary>accept() failing with EMFILE: the daemon backs off instead of spinning, and recovers by itself.</summary>
public sealed class AcceptFailureTests
{
    [Fact]
    public async Task OutOfDescriptors_AcceptBacksOffAndRecoversWhenTheyFreeUp()
    {
        // The daemon keeps smtp_accept_max within what its descriptors allow (SessionCapacity), so EMFILE needs its
        // soft limit lowered under it after the start, as something else using up descriptors would.
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("smtp_accept_max = 0"), null, fileLimit: 2000);
        var (code, _, stderr) = await EximProcess.RunExecutableAsync("prlimit", d.Directory.Path, "", "--pid", d.Process.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--nofile=200:2000");
        Assert.True(code == 0, "prlimit: " + stderr);
        var clients = new List<SmtpTestClient>();
        try
        {
            // Fill the daemon's descriptor table; once accept() fails, connections stay in the kernel backlog.
            for (var i = 0; i < 400 && !d.MainLog.Contains("accept() failure(s)", StringComparison.Ordinal); i++)
            {
                try { clients.Add(await SmtpTestClient.ConnectAsync(d.Port, timeout: TimeSpan.FromSeconds(2))); }
                catch (Exception e) when (e is SocketException or OperationCanceledException) { break; }
            }
            await d.WaitForLogAsync("accept() failure(s): Too many open files");
            Assert.False(d.Process.HasExited);
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }

        // The next connection is accepted again (the retry is at most 1 s away), and the recovery is logged.
        var greeting = "";
        await Wait.UntilOrFailAsync(async () =>
        {
            var (fresh, g) = await SmtpTestClient.OpenAsync(d.Port);
            await fresh.DisposeAsync();
            greeting = g;
            return g.StartsWith("220 ", StringComparison.Ordinal);
        }, TestTimeouts.Default, () => "a greeting after descriptors were freed; last: " + greeting);
        await d.WaitForLogAsync("accept() recovered on 127.0.0.1:");
        // Backing off 10 ms doubling to 1 s means a handful of failures, not a spin of thousands.
        var failureLines = d.MainLog.Split('\n').Count(l => l.Contains("accept() failure(s)", StringComparison.Ordinal));
        Assert.InRange(failureLines, 1, 20);
    }
}
