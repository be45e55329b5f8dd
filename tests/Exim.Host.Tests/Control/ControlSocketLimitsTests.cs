using System.Net.Sockets;
using System.Text;
using Exim.TestKit;

namespace Exim.Host.Tests.Control;

/// <summary>The control socket's bounds and its file, against a real daemon with raw Unix-socket clients.</summary>
public sealed class ControlSocketLimitsTests
{
    private static async Task<Socket> ConnectAsync(TestDaemon d)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(d.Directory.Combine("spool", "exim_daemon_notify"))).WaitAsync(TestTimeouts.Default);
        return socket;
    }

    private static async Task<string> ReadAllAsync(Socket socket)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(TestTimeouts.Default);
        for (var i = 0; i < 100; i++)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            if (n == 0) break;
            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        return text.ToString();
    }

    [Fact]
    public async Task ConnectionsOverTheLimit_AreToldBusy_AndSilentOnesAreClosedAfterTheReadTimeout()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());
        var idle = new List<Socket>();
        try
        {
            for (var i = 0; i < 8; i++) idle.Add(await ConnectAsync(d));
            await Task.Delay(200); // let the daemon take all eight
            using var ninth = await ConnectAsync(d);

            Assert.Equal("""{"version":1,"ok":false,"error":"busy: 8 control connections are open"}""" + "\n", await ReadAllAsync(ninth));
            foreach (var s in idle)
            {
                Assert.Equal("""{"version":1,"ok":false,"error":"no request line within 5s"}""" + "\n", await ReadAllAsync(s));
            }
            await d.WaitForLogAsync("control socket: no request line within 5s: connection from pid ");
        }
        finally
        {
            foreach (var s in idle) s.Dispose();
        }
        // Once the daemon has seen them closed, their places are free again (until then a request is told busy).
        var last = "";
        await Wait.UntilOrFailAsync(async () =>
        {
            using var after = await ConnectAsync(d);
            await after.SendAsync(Encoding.ASCII.GetBytes("pause\n"));
            last = await ReadAllAsync(after);
            return last.Contains("\"ok\":true", StringComparison.Ordinal);
        }, TestTimeouts.Default, () => last);
        Assert.Contains("\"accepting\":false", last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARequestLongerThanTheLimit_IsRefused_AndNonAsciiToo()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());
        using var longOne = await ConnectAsync(d);
        await longOne.SendAsync(Encoding.ASCII.GetBytes("status " + new string('x', 2000) + "\n"));
        using var binary = await ConnectAsync(d);
        await binary.SendAsync(new byte[] { (byte)'s', 0x1b, (byte)'\n' });

        Assert.Equal("""{"version":1,"ok":false,"error":"request longer than 1024 bytes"}""" + "\n", await ReadAllAsync(longOne));
        Assert.Equal("""{"version":1,"ok":false,"error":"a request is printable ASCII"}""" + "\n", await ReadAllAsync(binary));
    }

    [Fact]
    public async Task AStaleSocketIsReplaced_AndRemovedWhenTheDaemonStops()
    {
        var dir = new TempDirectory("exim-ctl");
        Directory.CreateDirectory(dir.Combine("spool"));
        var path = dir.Combine("spool", "exim_daemon_notify");
        using (var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            stale.Bind(new UnixDomainSocketEndPoint(path)); // bound, never listening, closed: what a killed daemon leaves
        }
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig(), dir);

        using (var socket = await ConnectAsync(d))
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes("status\n"));
            Assert.Contains("\"ok\":true", await ReadAllAsync(socket), StringComparison.Ordinal);
        }
        Assert.Equal(0, await d.StopAsync());
        Assert.False(Path.Exists(path));
    }

    [Fact]
    public async Task AFileThatIsNoSocket_IsLeftAlone_AndTheDaemonRunsWithoutAControlSocket()
    {
        var dir = new TempDirectory("exim-ctl");
        Directory.CreateDirectory(dir.Combine("spool"));
        var path = dir.Combine("spool", "exim_daemon_notify");
        File.WriteAllText(path, "not a socket");

        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig(), dir);

        await d.WaitForPanicLogAsync($"daemon_notifier_socket bind: {path}: exists and is not a socket");
        Assert.Equal("not a socket", File.ReadAllText(path));
        await using var client = await SmtpTestClient.ConnectAsync(d.Port);
        Assert.StartsWith("220 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotifierSocket_Empty_MakesNone_AndOXWithoutOPMakesNone()
    {
        await using (var none = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("notifier_socket = \"\"")))
        {
            Assert.False(Path.Exists(none.Directory.Combine("spool", "exim_daemon_notify")));
            var (code, _, stderr) = await EximProcess.RunAsync(none.Directory.Path, "-C", none.ConfigPath, "--exiwhat");
            Assert.Equal(1, code);
            Assert.Equal("exim: notifier_socket is empty: the daemon has no control socket\n", stderr);
        }
        await using var testing = await TestDaemon.StartAsync(TestDaemon.SmtpConfig(), null, "-oX", "127.0.0.1.0");
        Assert.False(Path.Exists(testing.Directory.Combine("spool", "exim_daemon_notify")));
    }

    [Fact]
    public async Task NotifierSocket_Relative_IsAConfigErrorWithItsPlace_AndBPPrintsExiMsDefault()
    {
        using var dir = new TempDirectory("exim-ctl");
        var bad = dir.Write("bad.toml", "spool_directory = \"spool\"\nnotifier_socket = \"ctl.sock\"\n");
        var good = dir.Write("good.toml", "spool_directory = \"spool\"\n");

        var (code, _, stderr) = await EximProcess.RunAsync(dir.Path, "-C", bad, "-bV");
        var (printed, stdout, _) = await EximProcess.RunAsync(dir.Path, "-C", good, "-bP", "notifier_socket");

        Assert.Equal(1, code);
        Assert.Contains($"{bad}:2:", stderr, StringComparison.Ordinal);
        Assert.Contains("notifier_socket must be an absolute path or start with $spool_directory", stderr, StringComparison.Ordinal);
        Assert.Equal(0, printed);
        Assert.Equal("notifier_socket = $spool_directory/exim_daemon_notify\n", stdout);
    }
}
