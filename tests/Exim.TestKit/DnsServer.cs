using System.Net;
using System.Text;

namespace Exim.TestKit;

/// <summary>
/// A real authoritative DNS server (NSD, from Debian) on 127.0.0.1 and a free port, serving zone files from
/// tests/zones (or from anywhere, given an absolute path: a zone signed at test time). A zone given without a file is
/// declared with a missing file, which NSD answers with SERVFAIL.
/// </summary>
public sealed class DnsServer : IAsyncDisposable
{
    private readonly ServiceProcess _process;

    private DnsServer(ServiceProcess process, IPEndPoint endPoint) => (_process, EndPoint) = (process, endPoint);

    public IPEndPoint EndPoint { get; }

    /// <summary>The address:port form the dns-resolver plugin's <c>nameservers</c> option takes.</summary>
    public string NameServer => $"127.0.0.1:{EndPoint.Port}";

    public static string ZonesDirectory => Path.Combine(RepoPaths.Root, "tests", "zones");

    /// <param name="zones">Zone name and file under tests/zones (or an absolute path), or null for a zone whose file is missing (SERVFAIL).</param>
    public static async Task<DnsServer> StartAsync(params (string Zone, string? File)[] zones)
    {
        var directory = new TempDirectory("exim-nsd");
        var port = LoopbackPorts.FreeUdpAndTcp();
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
        var process = await ServiceProcess.StartAsync("nsd", "nsd started", "nsd", directory, "-d", "-c", configPath);
        return new DnsServer(process, new IPEndPoint(IPAddress.Loopback, port));
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
