using System.Security.Cryptography.X509Certificates;
using Exim.Abstractions.Resolution;
using Exim.Host.Tests.Resolution;
using Exim.TestKit;

namespace Exim.Host.Tests.Tls;

/// <summary>
/// DNSSEC for real, started once per test class: a throwaway CA, a server certificate for mx.dane.test, and one for
/// ta.dane.test from an intermediate CA (public CAs' shape, the intermediate being the DANE-TA); three zones
/// written at test time, with TLSA records computed from those certificates; dane.test signed with a fresh key, bogus.test
/// signed and then every signature damaged, insecure.test not signed; NSD serving them; unbound validating in front of it
/// with dane.test's and bogus.test's keys as its only trust anchors; and the real dns-resolver plugin pointed at unbound
/// (on loopback, so it believes the AD bit).
/// </summary>
public sealed class DaneDnsFixture : IAsyncLifetime
{
    private const byte DaneTa = 2, DaneEe = 3, PkixEe = 1;

    /// <summary>What every test zone starts with: its SOA, its server, and one MX, mx.</summary>
    private const string Head = "$TTL 300\n@ IN SOA ns hostmaster 1 3600 600 86400 60\n@ IN NS ns\nns IN A 127.0.0.1\n@ IN MX 10 mx";
    private readonly TempDirectory _dir = new("exim-dane");
    private DnsServer? _nsd;
    private ResolverHost? _host;

    public TestCertificates Ca { get; private set; } = null!;

    /// <summary>The certificate for mx.dane.test (and alias.dane.test) that the TLSA records describe.</summary>
    public TestCertificate Server { get; private set; } = null!;

    /// <summary>An intermediate CA under <see cref="Ca"/>, the DANE-TA of ta.dane.test.</summary>
    public TestCertificates Intermediate { get; private set; } = null!;

    /// <summary>The certificate for ta.dane.test, issued by <see cref="Intermediate"/>.</summary>
    public TestCertificate ServerViaIntermediate { get; private set; } = null!;

    public ValidatingResolver Unbound { get; private set; } = null!;

    /// <summary>NSD, for tests that ask the authoritative server directly.</summary>
    public DnsServer Nsd => _nsd!;

    /// <summary>The dns-resolver plugin, asking unbound.</summary>
    public IDnsRecordResolver Resolver => _host!.Resolver;

    public async Task InitializeAsync()
    {
        Ca = TestCertificates.Create(_dir.Combine("certs"), "Dane Fixture CA");
        Server = Ca.Issue("mx", ["mx.dane.test", "alias.dane.test"], chain: true);
        var leaf = Server.Certificate;
        Intermediate = Ca.IssueIntermediate("Dane Fixture Intermediate");
        ServerViaIntermediate = Intermediate.Issue("ta", ["ta.dane.test"], chain: true);

        var zones = _dir.Combine("zones");
        Directory.CreateDirectory(zones);
        var dane = await SignedZone.CreateAsync(zones, "dane.test", $"""
            {Head}
            mx       IN A   192.0.2.31
            {Tlsa.ZoneLine("_25._tcp.mx", leaf, DaneEe)}
            {Tlsa.ZoneLine("_25._tcp.mx", Ca.Ca, DaneTa, 0, 2)}
            ta       IN A   192.0.2.36
            {Tlsa.ZoneLine("_25._tcp.ta", Intermediate.Ca, DaneTa)}
            alias    IN A   192.0.2.32
            _25._tcp.alias IN CNAME _25._tcp.mx
            none     IN A   192.0.2.33
            pkix     IN A   192.0.2.34
            {Tlsa.ZoneLine("_25._tcp.pkix", leaf, PkixEe)}
            broken   IN A   192.0.2.35
            {Tlsa.ZoneLine("_25._tcp.broken", leaf, DaneEe)}
            """, breakSignaturesOf: owner => owner == "_25._tcp.broken.dane.test");
        var bogus = await SignedZone.CreateAsync(zones, "bogus.test", $"""
            {Head}
            mx       IN A   192.0.2.41
            {Tlsa.ZoneLine("_25._tcp.mx", leaf, DaneEe)}
            """, breakSignaturesOf: _ => true);
        var insecure = Path.Combine(zones, "insecure.test.zone");
        await File.WriteAllTextAsync(insecure, $"""
            $ORIGIN insecure.test.
            {Head}
            mx       IN A   192.0.2.51
            {Tlsa.ZoneLine("_25._tcp.mx", leaf, DaneEe)}

            """);

        _nsd = await DnsServer.StartAsync(("dane.test", dane.File), ("bogus.test", bogus.File), ("insecure.test", insecure));
        Unbound = await ValidatingResolver.StartAsync(_nsd, ["dane.test", "bogus.test", "insecure.test"], [dane.TrustAnchor, bogus.TrustAnchor]);
        _host = await ResolverHost.StartAsync(Unbound.NameServer, "dns_retrans = \"2s\"\ndns_retry = 1\n");
    }

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        if (Unbound is not null) await Unbound.DisposeAsync();
        if (_nsd is not null) await _nsd.DisposeAsync();
        Intermediate?.Dispose();
        Ca?.Dispose();
        _dir.Dispose();
    }

    /// <summary>The chain mx.dane.test presents: its certificate, then the CA's.</summary>
    public X509Certificate2[] PresentedChain => [Server.Certificate, Ca.Ca];
}
