using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Exim.Host.Log;
using Exim.TestKit;

namespace Exim.Host.Tests.Log;

/// <summary>log_file_path with syslog: a real daemon writing to a Unix datagram socket the test binds in place of /dev/log.</summary>
public sealed class SyslogTests
{
    [Fact]
    public async Task FileAndSyslog_ReceivedLine_GoesToBoth_InGlibcsFormatWithFacilityAndName()
    {
        using var dir = new TempDirectory("exim-syslog");
        var socketPath = dir.Combine("log.sock");
        using var syslog = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        syslog.Bind(new UnixDomainSocketEndPoint(socketPath));
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig($"""
            log_file_path = ":syslog"
            syslog_facility = "local3"
            syslog_processname = "eximtest"
            syslog_socket_path = "{socketPath}"
            """), dir);

        var id = await SendAsync(d.Port);
        await d.WaitForLogAsync($"{id} <= a@test.example");

        // local3 (19) * 8 + LOG_INFO (6) = 158; the line keeps Exim's own time stamp (syslog_timestamp).
        var pattern = new Regex($@"^<158>[A-Z][a-z][a-z] [ 1-3]\d \d\d:\d\d:\d\d eximtest\[{d.Process.Pid}\]: \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d {id} <= a@test\.example H=");
        var received = await ReceiveUntilAsync(syslog, pattern);
        Assert.Matches(pattern, received);
    }

    [Fact]
    public async Task SyslogOnly_NoLogFileIsWritten()
    {
        using var dir = new TempDirectory("exim-syslog");
        var socketPath = dir.Combine("log.sock");
        using var syslog = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        syslog.Bind(new UnixDomainSocketEndPoint(socketPath));
        var config = TestDaemon.SmtpConfig($"""
            log_file_path = "syslog"
            syslog_socket_path = "{socketPath}"
            """);
        var configPath = dir.Write("exim.toml", config);
        await using var process = EximProcess.Start(dir.Path, ["-C", configPath, "-bd"]);
        // mail (2) * 8 + LOG_INFO = 22, the default facility and name.
        var started = await ReceiveUntilAsync(syslog, new Regex(@"^<22>.* exim\[\d+\]: .*daemon started"));
        Assert.Contains("daemon started", started, StringComparison.Ordinal);
        process.Signal(Signals.SIGTERM);
        await process.WaitForExitAsync(TestTimeouts.Default);
        Assert.False(File.Exists(dir.Combine("spool", "log", "mainlog")));
    }

    [Fact]
    public void Split_LongAndMultiLine_NumbersThePiecesAsExim()
    {
        Assert.Equal(["short"], SyslogTarget.Split("short"));
        var longLine = new string('a', 900);
        Assert.Equal(["[1/2] " + new string('a', 870), "[2/2] " + new string('a', 30)], SyslogTarget.Split(longLine));
        Assert.Equal(["[1\\2] first", "[2/2]   second"], SyslogTarget.Split("first\n  second"));
    }

    private static async Task<string> ReceiveUntilAsync(Socket socket, Regex pattern)
    {
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(TestTimeouts.Default);
        var seen = new StringBuilder();
        for (var i = 0; i < 200; i++)
        {
            int n;
            try { n = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token); }
            catch (OperationCanceledException) { break; }
            var text = Encoding.Latin1.GetString(buffer, 0, n);
            if (pattern.IsMatch(text)) return text;
            seen.AppendLine(text);
        }
        Assert.Fail($"no syslog datagram matched {pattern}; got:\n{seen}");
        return "";
    }

    private static async Task<string> SendAsync(int port)
    {
        await using var client = await SmtpTestClient.ConnectAsync(port);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.test");
        var reply = await client.SendMessageAsync("a@test.example", ["b@test.example"], "Subject: s\n\nbody");
        await client.CommandAsync("QUIT");
        return reply["250 OK id=".Length..];
    }
}
