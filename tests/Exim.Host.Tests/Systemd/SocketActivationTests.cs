using System.Net;
using System.Net.Sockets;
using Exim.TestKit;

namespace Exim.Host.Tests.Systemd;

/// <summary>
/// Socket activation: systemd-socket-activate (from the systemd package) binds the port, waits for the first connection
/// and then execs the daemon with the socket as descriptor 3 (LISTEN_FDS=1, LISTEN_PID its pid), as a socket unit does.
/// </summary>
public sealed class SocketActivationTests
{
    [Fact]
    public async Task ActivatedSocket_IsTheConfiguredListener_AndServesAcrossAReload()
    {
        var port = FreePort();
        var config = TestDaemon.SmtpConfig().Replace("daemon_smtp_ports = [0]", $"daemon_smtp_ports = [{port}]", StringComparison.Ordinal);
        await using var d = await LaunchActivatedAsync(config, port);

        // The first connection is the one that started the daemon; the daemon did not bind the port itself (it could not:
        // the socket is already bound and listening), it adopted it.
        var (c, greeting) = await SmtpTestClient.OpenAsync(port);
        await using (var client = c)
        {
            Assert.StartsWith("220 ", greeting, StringComparison.Ordinal);
            await d.WaitStartedAsync();
            await SendAsync(client);
        }
        Assert.Contains($"socket activation: systemd passed the listening socket [127.0.0.1]:{port} (", d.MainLog, StringComparison.Ordinal);
        Assert.Equal([port], d.Ports);

        d.Process.Signal(Signals.SIGHUP);
        await d.WaitForLogAsync("configuration reloaded (SIGHUP): generation 1 -> 2");
        Assert.Equal([port], d.Ports);
        var (c2, greeting2) = await SmtpTestClient.OpenAsync(port);
        await using (var client = c2)
        {
            Assert.StartsWith("220 ", greeting2, StringComparison.Ordinal);
            await SendAsync(client);
        }
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task ActivatedSocket_TheConfigurationDoesNotName_IsListenedOnAsItIs_BesideTheConfiguredOnes()
    {
        var port = FreePort();
        await using var d = await LaunchActivatedAsync(TestDaemon.SmtpConfig(), port); // daemon_smtp_ports = [0]

        var (c, greeting) = await SmtpTestClient.OpenAsync(port);
        await using (var client = c) Assert.StartsWith("220 ", greeting, StringComparison.Ordinal);
        await d.WaitStartedAsync();
        var ports = d.Ports;
        Assert.Equal(2, ports.Count);
        Assert.Contains(port, ports);

        d.Process.Signal(Signals.SIGHUP);
        await d.WaitForLogAsync("configuration reloaded (SIGHUP): generation 1 -> 2");
        foreach (var p in ports)
        {
            var (c2, greeting2) = await SmtpTestClient.OpenAsync(p);
            await using var client = c2;
            Assert.StartsWith("220 ", greeting2, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task UnprivilegedService_ServesAPortBelow1024_ThatSystemdBound()
    {
        // As a unit with User= and exim.socket: the daemon starts as the Exim user (here nobody, exim_user the same) and
        // never needs root, since systemd bound the low port.
        var port = FreeLowPort();
        using var dir = new TempDirectory("exim-unprivileged");
        NobodyProcess.OpenUp(dir.Path);
        var config = TestDaemon.SmtpConfig().Replace("daemon_smtp_ports = [0]", $"daemon_smtp_ports = [{port}]", StringComparison.Ordinal)
            .Replace(TestDaemon.RunAsRoot, "exim_user = \"nobody\"", StringComparison.Ordinal);
        await using var d = TestDaemon.Launch(config, dir, null, new Dictionary<string, string?> { ["HOME"] = dir.Path },
            ["systemd-socket-activate", "-l", $"127.0.0.1:{port}", "setpriv", $"--reuid={NobodyProcess.Uid}", $"--regid={NobodyProcess.Uid}", "--clear-groups"]);
        await WaitListeningAsync(d, port);

        var (c, greeting) = await SmtpTestClient.OpenAsync(port);
        await using (var client = c)
        {
            Assert.True(greeting.StartsWith("220 ", StringComparison.Ordinal), $"greeting \"{greeting}\"; stderr:\n{d.Process.Stderr}");
            await d.WaitStartedAsync();
            await SendAsync(client);
        }
        Assert.Contains($"Uid:\t{NobodyProcess.Uid}\t{NobodyProcess.Uid}\t{NobodyProcess.Uid}", File.ReadAllText($"/proc/{d.Process.Pid}/status"), StringComparison.Ordinal);
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task PassedDescriptor_ThatIsNotAListeningSocket_StopsStartUpWithTheReason()
    {
        // LISTEN_PID=$$ before exec: the pid stays the shell's, which becomes exim's.
        await using var d = TestDaemon.Launch(TestDaemon.SmtpConfig(), null, null, null,
            ["bash", "-c", "exec 3</dev/null; LISTEN_PID=$$ LISTEN_FDS=1 LISTEN_FDNAMES=smtp exec \"$@\"", "exim"]);
        Assert.Equal(1, await d.Process.WaitForExitAsync(TestTimeouts.Startup));
        Assert.Contains("exim: socket activation: descriptor 3 (smtp) passed by systemd cannot be used", d.Process.Stderr, StringComparison.Ordinal);
    }

    private static async Task<TestDaemon> LaunchActivatedAsync(string config, int port)
    {
        var d = TestDaemon.Launch(config, null, null, null, ["systemd-socket-activate", "-l", $"127.0.0.1:{port}"]);
        await WaitListeningAsync(d, port);
        return d;
    }

    private static Task WaitListeningAsync(TestDaemon d, int port)
        => Wait.UntilOrFailAsync(() => d.Process.Stderr.Contains($"Listening on 127.0.0.1:{port}", StringComparison.Ordinal) || d.Process.HasExited,
            TestTimeouts.Default, () => "systemd-socket-activate listening\nstderr:\n" + d.Process.Stderr);

    private static async Task SendAsync(SmtpTestClient client)
    {
        await client.CommandAsync("EHLO client.example");
        Assert.StartsWith("250 OK id=", await client.SendMessageAsync("a@client.example", "b@test.example", "Subject: activated\n\nbody"), StringComparison.Ordinal);
    }

    private static int FreeLowPort()
    {
        for (var port = 900; port < 1000; port++)
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                s.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free port in 900-999 on 127.0.0.1");
    }

    private static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }
}
