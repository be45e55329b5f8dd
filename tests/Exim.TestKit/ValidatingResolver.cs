using System.Net;
using System.Text;

namespace Exim.TestKit;

/// <summary>
/// A real validating recursive resolver (unbound, from Debian) on 127.0.0.1 and a free port, in front of a
/// <see cref="DnsServer"/>: each test zone is a stub zone sent to that server, the signed zones' keys are its only
/// trust anchors, and every other name is refused on the spot. Its outgoing queries leave from 127.0.0.1, so nothing
/// can reach the Internet. It runs from its own configuration in a temporary directory (no chroot, no
/// remote control, no root key), so a system unbound on port 53 neither matters nor is disturbed.
/// Answers from a zone with a trust anchor carry AD when they validate and are SERVFAIL when bogus; answers from the
/// other zones are insecure (no AD).
/// </summary>
public sealed class ValidatingResolver : IAsyncDisposable
{
    private readonly ServiceProcess _process;

    private ValidatingResolver(ServiceProcess process, IPEndPoint endPoint) => (_process, EndPoint) = (process, endPoint);

    public IPEndPoint EndPoint { get; }

    /// <summary>The address:port form the dns-resolver plugin's <c>nameservers</c> option takes.</summary>
    public string NameServer => $"127.0.0.1:{EndPoint.Port}";

    /// <summary>What unbound has printed (validation failures are logged at val-log-level 2).</summary>
    public string Log => _process.Log;

    /// <param name="authoritative">The server for the zones.</param>
    /// <param name="zones">The zones it serves (signed or not).</param>
    /// <param name="trustAnchors">DS or DNSKEY records in presentation form: the zones they name are validated.</param>
    public static async Task<ValidatingResolver> StartAsync(DnsServer authoritative, IEnumerable<string> zones, IEnumerable<string> trustAnchors)
    {
        var directory = new TempDirectory("exim-unbound");
        var port = LoopbackPorts.FreeUdpAndTcp();
        var config = new StringBuilder($"""
            server:
                interface: 127.0.0.1
                port: {port}
                outgoing-interface: 127.0.0.1
                do-ip6: no
                do-daemonize: no
                chroot: ""
                username: ""
                directory: "{directory.Path}"
                pidfile: "{directory.Combine("unbound.pid")}"
                use-syslog: no
                logfile: ""
                verbosity: 1
                val-log-level: 2
                num-threads: 1
                so-reuseport: no
                qname-minimisation: no
                do-not-query-localhost: no
                access-control: 127.0.0.0/8 allow
                module-config: "validator iterator"
                local-zone: "." refuse

            """);
        var stubs = new StringBuilder();
        foreach (var zone in zones)
        {
            var name = zone.TrimEnd('.') + ".";
            config.Append($"    local-zone: \"{name}\" transparent\n");
            stubs.Append($"stub-zone:\n    name: \"{name}\"\n    stub-addr: 127.0.0.1@{authoritative.EndPoint.Port}\n");
        }
        foreach (var anchor in trustAnchors) config.Append($"    trust-anchor: \"{anchor.ReplaceLineEndings(" ").Replace('\t', ' ')}\"\n");
        config.Append("remote-control:\n    control-enable: no\n").Append(stubs);
        var path = directory.Write("unbound.conf", config.ToString());
        var process = await ServiceProcess.StartAsync("unbound", "start of service", "unbound", directory, "-d", "-c", path);
        return new ValidatingResolver(process, new IPEndPoint(IPAddress.Loopback, port));
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
