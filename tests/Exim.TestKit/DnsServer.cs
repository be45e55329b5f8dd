using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Exim.TestKit;

/// <summary>
/// A real authoritative DNS server (NSD, from Debian) on 127.0.0.1 and a free port, serving zone files from
/// tests/zones. A zone given without a file is declared with a missing file, which NSD answers with SERVFAIL.
/// </summary>
public sealed class DnsServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _directory;

    private DnsServer(Process process, TempDirectory directory, IPEndPoint endPoint)
    {
        _process = process;
        _directory = directory;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The address:port form the dns-resolver plugin's <c>nameservers</c> option takes.</summary>
    public string NameServer => $"127.0.0.1:{EndPoint.Port}";

    public static string ZonesDirectory => Path.Combine(RepoPaths.Root, "tests", "zones");

    /// <param name="zones">Zone name and file under tests/zones, or null for a zone whose file is missing (SERVFAIL).</param>
    public static async Task<DnsServer> StartAsync(params (string Zone, string? File)[] zones)
    {
        var directory = new TempDirectory("exim-nsd");
        var port = FreeUdpAndTcpPort();
        var config = new StringBuilder($"""
            server:
                port: {port}
                ip-address: 127.0.0.1
                username: ""
                chroot: ""
                zonesdir: "{ZonesDirectory}"
                pidfile: "{directory.Combine("nsd.pid")}"
                xfrdfile: "{directory.Combine("xfrd.state")}"
                zonelistfile: "{directory.Combine("zone.list")}"
                database: ""
                verbosity: 1
                server-count: 1
                rrl-ratelimit: 0
                rrl-whitelist-ratelimit: 0
            remote-control:
                control-enable: no

            """);
        foreach (var (zone, file) in zones)
        {
            config.Append($"zone:\n    name: {zone}\n    zonefile: {file ?? $"missing-{zone}.zone"}\n");
        }
        var configPath = directory.Write("nsd.conf", config.ToString());
        var psi = new ProcessStartInfo("nsd") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-d", "-c", configPath }) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start nsd (apt-get install nsd)");
        var log = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new DnsServer(process, directory, new IPEndPoint(IPAddress.Loopback, port));
        await Wait.UntilOrFailAsync(() => process.HasExited || Contains(log, "nsd started"), TestTimeouts.Startup, () => "nsd start:\n" + log);
        if (process.HasExited) throw new InvalidOperationException("nsd exited:\n" + log);
        return server;
    }

    private static bool Contains(StringBuilder log, string text)
    {
        lock (log) return log.ToString().Contains(text, StringComparison.Ordinal);
    }

    private static int FreeUdpAndTcpPort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free UDP+TCP port on 127.0.0.1");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var cts = new CancellationTokenSource(TestTimeouts.Default);
            try { await _process.WaitForExitAsync(cts.Token); } catch (OperationCanceledException) { }
        }
        _process.Dispose();
        _directory.Dispose();
    }
}
