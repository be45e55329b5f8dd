using Exim.Host.Tests.Tls;
using Exim.TestKit;

namespace Exim.Host.Tests.Transports;

/// <summary>
/// Our daemon delivering to a second instance of our daemon over TLS, with DANE and with a CA-verified certificate: peer
/// B (127.0.0.1) serves a certificate from a throwaway CA and refuses MAIL in clear (a mail-stage script); daemon A
/// (127.0.0.2) queues each message and <c>exim -M</c> delivers it. The DANE domains are routed by MX through real
/// DNSSEC: dane.test signed at test time (TLSA records at B's port that match its certificate, that do not, whose
/// signatures are broken, and that are unusable), insecure.test not signed, NSD serving both, unbound validating in
/// front with dane.test's key as its trust anchor, and A's dns-resolver plugin asking unbound.
/// </summary>
public sealed class SmtpDaneDeliveryTests(SmtpDaneDeliveryTests.Fixture f) : IClassFixture<SmtpDaneDeliveryTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        private const byte DaneEe = 3, PkixEe = 1;
        private readonly TempDirectory _dir = new("exim-dane-delivery");
        private TestCertificates _ca = null!;
        private TestCertificates _other = null!;
        private DnsServer? _nsd;
        private ValidatingResolver? _unbound;

        public TestDaemon A { get; private set; } = null!;

        /// <summary>The TLS peer: our daemon with a certificate for mx.dane.test and 127.0.0.1, refusing MAIL in clear.</summary>
        public TestDaemon B { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _ca = TestCertificates.Create(_dir.Combine("ca"), "Dane Delivery CA");
            _other = TestCertificates.Create(_dir.Combine("other"), "Someone Else's CA");
            var peer = _ca.Issue("peer", ["mx.dane.test", "127.0.0.1"]);
            var stranger = _other.Issue("stranger", ["mx.dane.test"]);

            var bDir = new TempDirectory("exim-dane-peer");
            bDir.Write("scripts/mail.csx", """
                return Connection.TlsSession is null ? Verdict.Reject("encryption required") : Verdict.Accept;
                """);
            B = await TestDaemon.StartAsync($$"""
                spool_directory = "spool"
                primary_hostname = "b.dane.test"
                log_selector = "+tls_sni"
                local_interfaces = ["127.0.0.1"]
                daemon_smtp_ports = [0]
                local_domains = ["dane.test", "*.dane.test", "insecure.test", "*.insecure.test", "verified.example", "clear.example", "ciphers.example"]
                relay_from_hosts = ["127.0.0.0/8"]
                tls_certificate = ["{{peer.CertificatePath}}"]
                tls_privatekey = ["{{peer.KeyPath}}"]

                [hooks]
                mail = "scripts/mail.csx"
                timeout = "10s"

                [plugins.daemon]
                assembly = "{{RepoPaths.Plugin("daemon", "Exim.Plugins.Daemon.dll")}}"
                """, bDir);

            // The TLSA records name B's port: _<port>._tcp.<MX host>.
            var port = B.Port;
            var zones = _dir.Combine("zones");
            Directory.CreateDirectory(zones);
            const string head = "$TTL 300\n@ IN SOA ns hostmaster 1 3600 600 86400 60\n@ IN NS ns\nns IN A 127.0.0.1\n@ IN MX 10 mx";
            var dane = await SignedZone.CreateAsync(zones, "dane.test", $"""
                {head}
                mx        IN A   127.0.0.1
                {Tlsa.ZoneLine($"_{port}._tcp.mx", peer.Certificate, DaneEe)}
                require   IN MX  10 mx
                pooled    IN MX  10 mx
                wrong     IN MX  10 mxwrong
                mxwrong   IN A   127.0.0.1
                {Tlsa.ZoneLine($"_{port}._tcp.mxwrong", stranger.Certificate, DaneEe)}
                broken    IN MX  10 mxbroken
                mxbroken  IN A   127.0.0.1
                {Tlsa.ZoneLine($"_{port}._tcp.mxbroken", peer.Certificate, DaneEe)}
                pkix      IN MX  10 mxpkix
                mxpkix    IN A   127.0.0.1
                {Tlsa.ZoneLine($"_{port}._tcp.mxpkix", peer.Certificate, PkixEe)}
                """, breakSignaturesOf: owner => owner == $"_{port}._tcp.mxbroken.dane.test");
            var insecure = Path.Combine(zones, "insecure.test.zone");
            await File.WriteAllTextAsync(insecure, $"""
                $ORIGIN insecure.test.
                {head}
                mx        IN A   127.0.0.1
                {Tlsa.ZoneLine($"_{port}._tcp.mx", stranger.Certificate, DaneEe)}
                require   IN MX  10 mx

                """);
            _nsd = await DnsServer.StartAsync(("dane.test", dane.File), ("insecure.test", insecure));
            _unbound = await ValidatingResolver.StartAsync(_nsd, ["dane.test", "insecure.test"], [dane.TrustAnchor]);

            A = await TestDaemon.StartAsync($$"""
                spool_directory = "spool"
                primary_hostname = "a.dane.test"
                local_interfaces = ["127.0.0.2"]
                daemon_smtp_ports = [0]
                local_domains = ["a.example"]
                relay_from_hosts = ["127.0.0.0/8"]
                queue_only = true
                dns_retrans = "2s"
                dns_retry = 1

                [[routers]]
                name = "require_dane"
                driver = "dnslookup"
                domains = ["require.dane.test", "require.insecure.test"]
                transport = "dane_required"

                # mx.dane.test again, through remote_smtp, but without asking for DNSSEC: no DANE for this route.
                [[routers]]
                name = "undane"
                driver = "dnslookup"
                domains = ["pooled.dane.test"]
                dnssec_request_domains = []
                transport = "remote_smtp"

                [[routers]]
                name = "dnslookup"
                driver = "dnslookup"
                domains = ["*.test"]
                transport = "remote_smtp"

                [[routers]]
                name = "verified"
                driver = "manualroute"
                route_list = ["verified.example 127.0.0.1 byname"]
                transport = "verified_tls"

                [[routers]]
                name = "ciphers"
                driver = "manualroute"
                route_list = ["ciphers.example 127.0.0.1 byname"]
                transport = "tls12_only"

                [[routers]]
                name = "clear"
                driver = "manualroute"
                route_list = ["clear.example 127.0.0.1 byname"]
                transport = "clear_smtp"

                [[transports]]
                name = "remote_smtp"
                driver = "smtp"
                port = "{{port}}"

                [[transports]]
                name = "dane_required"
                driver = "smtp"
                port = "{{port}}"
                hosts_require_dane = ["*"]

                [[transports]]
                name = "verified_tls"
                driver = "smtp"
                port = "{{port}}"
                hosts_require_tls = ["*"]
                tls_verify_hosts = ["*"]
                tls_verify_certificates = "{{_ca.CaPath}}"

                [[transports]]
                name = "tls12_only"
                driver = "smtp"
                port = "{{port}}"
                tls_require_ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256"

                [[transports]]
                name = "clear_smtp"
                driver = "smtp"
                port = "{{port}}"
                hosts_avoid_tls = ["*"]

                [plugins.daemon]
                assembly = "{{RepoPaths.Plugin("daemon", "Exim.Plugins.Daemon.dll")}}"

                [plugins.gethostbyname-resolver]
                assembly = "{{RepoPaths.Plugin("gethostbyname-resolver", "Exim.Plugins.GetHostByNameResolver.dll")}}"
                {{TestDaemon.DnsResolverPlugin(_unbound.NameServer)}}
                """);
        }

        /// <summary>Queues a message for <paramref name="to"/> on A; returns its id.</summary>
        public async Task<string> QueueAsync(string to)
        {
            await using var client = await SmtpTestClient.ConnectAsync(A.PortsOn("127.0.0.2")[0], host: "127.0.0.2");
            Assert.StartsWith("220", await client.ReadReplyAsync());
            Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"));
            var reply = await client.SendMessageAsync("alice@a.example", to, $"Subject: dane\n\nfor {to}");
            Assert.StartsWith("250", reply);
            await client.CommandAsync("QUIT");
            return reply["250 OK id=".Length..];
        }

        /// <summary>Queues a message for <paramref name="to"/> on A and delivers it with <c>exim -M</c>; returns its id.</summary>
        public async Task<string> SendAndDeliverAsync(string to)
        {
            var id = await QueueAsync(to);
            var (code, stdout, stderr) = await EximProcess.RunAsync(A.Directory.Path, "-C", A.ConfigPath, "-M", id);
            Assert.True(code is 0 or 1, stdout + stderr);
            return id;
        }

        public string[] Lines(string id) => [.. A.MainLog.Split('\n').Where(l => l.Contains(id, StringComparison.Ordinal))];

        /// <summary>Whether the message is still on A's queue (deferred, not delivered or bounced).</summary>
        public bool Queued(string id) => File.Exists(Path.Combine(A.InputDirectory, id + "-H"));

        public async Task DisposeAsync()
        {
            if (A is not null) await A.DisposeAsync();
            if (B is not null) await B.DisposeAsync();
            if (_unbound is not null) await _unbound.DisposeAsync();
            if (_nsd is not null) await _nsd.DisposeAsync();
            _ca?.Dispose();
            _other?.Dispose();
            _dir.Dispose();
        }
    }

    private static void Has(string[] lines, string part) => Assert.True(lines.Any(l => l.Contains(part, StringComparison.Ordinal)), $"no line with \"{part}\" in:\n{string.Join('\n', lines)}");

    private static void HasNot(string[] lines, string part) => Assert.DoesNotContain(lines, l => l.Contains(part, StringComparison.Ordinal));

    /// <summary>B's id for the message A delivered, from A's <c>C="250 OK id=..."</c>.</summary>
    private string PeerId(string id)
    {
        var peerId = System.Text.RegularExpressions.Regex.Match(string.Join('\n', f.Lines(id)), @"C=""250 OK id=([^""]+)""").Groups[1].Value;
        Assert.NotEmpty(peerId);
        return peerId;
    }

    /// <summary>B's <c>&lt;=</c> line for the message A delivered: received over TLS 1.3.</summary>
    private Task PeerReceivedOverTlsAsync(string id) => f.B.WaitForLogAsync($"{PeerId(id)} <= alice@a.example H=(a.dane.test) [127.0.0.1] P=esmtps X=TLS1.3:");

    [Fact]
    public async Task SignedZone_TlsaMatchesThePeer_DeliveredOverTls_CvDane()
    {
        var id = await f.SendAndDeliverAsync("u@dane.test");

        Assert.Matches($@"{id} => u@dane\.test R=dnslookup T=remote_smtp H=mx\.dane\.test \[127\.0\.0\.1\] X=TLS1\.3:TLS_AES_(256_GCM_SHA384:256|128_GCM_SHA256:128) CV=dane C=""250 OK id=", f.A.MainLog);
        HasNot(f.Lines(id), "SSL verify error");
        await PeerReceivedOverTlsAsync(id);
        Assert.Matches($@"{PeerId(id)} <= alice@a\.example .* CV=no SNI=mx\.dane\.test S=", f.B.MainLog); // DANE's SNI: the host name
    }

    [Fact]
    public async Task SignedZone_TlsaForAnotherCertificate_Deferred_NeverSentInClear()
    {
        var id = await f.SendAndDeliverAsync("u@wrong.dane.test");

        var lines = f.Lines(id);
        Has(lines, $"{id} DANE attempt failed; TLS connection to mxwrong.dane.test [127.0.0.1]: (SSL_connect): certificate verify failed");
        Has(lines, "== u@wrong.dane.test R=dnslookup T=remote_smtp defer (-37) H=mxwrong.dane.test [127.0.0.1]: TLS session: (SSL_connect): certificate verify failed");
        HasNot(lines, "delivering unencrypted");
        HasNot(lines, "=> u@wrong.dane.test");
        Assert.True(f.Queued(id));
    }

    [Fact]
    public async Task UnsignedZone_TlsaIgnored_OpportunisticTls_CvNo()
    {
        var id = await f.SendAndDeliverAsync("u@insecure.test");

        Has(f.Lines(id), $"{id} => u@insecure.test R=dnslookup T=remote_smtp H=mx.insecure.test [127.0.0.1] X=TLS1.3:");
        Has(f.Lines(id), " CV=no C=\"250 OK id=");
        HasNot(f.Lines(id), "DANE");
    }

    [Fact]
    public async Task SignedZone_BogusTlsaAnswer_HostDeferred_WithoutConnecting()
    {
        var id = await f.SendAndDeliverAsync("u@broken.dane.test");

        var lines = f.Lines(id);
        Has(lines, $"{id} H=mxbroken.dane.test [127.0.0.1]: DANE error: tlsa lookup DEFER");
        Has(lines, "== u@broken.dane.test R=dnslookup T=remote_smtp defer (-36): DANE error: tlsa lookup DEFER");
        Assert.True(f.Queued(id));
    }

    [Fact]
    public async Task SignedZone_OnlyUnusableTlsa_EncryptedWithoutAuthentication_CvNo()
    {
        var id = await f.SendAndDeliverAsync("u@pkix.dane.test");

        Has(f.Lines(id), $"{id} => u@pkix.dane.test R=dnslookup T=remote_smtp H=mxpkix.dane.test [127.0.0.1] X=TLS1.3:");
        Has(f.Lines(id), " CV=no C=\"250 OK id=");
    }

    [Fact]
    public async Task KeptConnectionWithoutDane_IsNotReusedForAHostWithTlsaRecords()
    {
        // One delivery process for both (exim -M a b): the first leaves its connection to mx.dane.test in the pool.
        var withoutDane = await f.QueueAsync("p@pooled.dane.test");
        var withDane = await f.QueueAsync("p@dane.test");
        var (code, stdout, stderr) = await EximProcess.RunAsync(f.A.Directory.Path, "-C", f.A.ConfigPath, "-M", withoutDane, withDane);
        Assert.True(code is 0 or 1, stdout + stderr);

        Has(f.Lines(withoutDane), $"{withoutDane} => p@pooled.dane.test R=undane T=remote_smtp H=mx.dane.test [127.0.0.1] X=TLS1.3:");
        Has(f.Lines(withoutDane), " CV=no C=\"250 OK id=");
        Has(f.Lines(withDane), $"{withDane} => p@dane.test R=dnslookup T=remote_smtp H=mx.dane.test [127.0.0.1] X=TLS1.3:");
        Has(f.Lines(withDane), " CV=dane C=\"250 OK id=");
    }

    [Fact]
    public async Task RequireDane_SecureZone_Delivered_CvDane()
    {
        var id = await f.SendAndDeliverAsync("u@require.dane.test");

        Has(f.Lines(id), $"{id} => u@require.dane.test R=require_dane T=dane_required H=mx.dane.test [127.0.0.1] X=TLS1.3:");
        Has(f.Lines(id), " CV=dane C=\"250 OK id=");
    }

    [Fact]
    public async Task RequireDane_InsecureZone_AddressFails_AsExim()
    {
        var id = await f.SendAndDeliverAsync("u@require.insecure.test");

        Has(f.Lines(id), "** u@require.insecure.test R=require_dane T=dane_required: DANE error: mx.insecure.test lookup not DNSSEC");
    }

    [Fact]
    public async Task DaemonToDaemon_VerifiedCertificate_RequireTls_CvYes_PeerLogsEsmtps()
    {
        var id = await f.SendAndDeliverAsync("u@verified.example");

        Has(f.Lines(id), $"{id} => u@verified.example R=verified T=verified_tls H=127.0.0.1 [127.0.0.1] X=TLS1.3:");
        Has(f.Lines(id), " CV=yes C=\"250 OK id=");
        await PeerReceivedOverTlsAsync(id);
    }

    [Fact]
    public async Task TlsRequireCiphers_OnTheTransport_NegotiatesThatSuite_BothEndsLogTheSameX()
    {
        var id = await f.SendAndDeliverAsync("u@ciphers.example");

        const string x = "X=TLS1.2:ECDHE-ECDSA-AES128-GCM-SHA256:128";
        Has(f.Lines(id), $"{id} => u@ciphers.example R=ciphers T=tls12_only H=127.0.0.1 [127.0.0.1] {x} CV=no C=\"250 OK id=");
        await f.B.WaitForLogAsync($"{PeerId(id)} <= alice@a.example H=(a.dane.test) [127.0.0.1] P=esmtps {x} CV=no");
    }

    [Fact]
    public async Task Peer_RefusesMailInClear()
    {
        var id = await f.SendAndDeliverAsync("u@clear.example");

        Assert.Matches($@"{id} \*\* u@clear\.example R=clear T=clear_smtp H=127\.0\.0\.1 \[127\.0\.0\.1\]: SMTP error from remote mail server after (pipelined )?MAIL FROM:<alice@a\.example>[^:]*: 550 encryption required", f.A.MainLog);
    }
}
