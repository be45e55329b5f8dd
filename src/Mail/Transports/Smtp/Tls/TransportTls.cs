using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Exim.Abstractions.Config;
using Exim.Abstractions.Matching;
using Exim.Mail.Resolution;
using Exim.Mail.Tls;

namespace Exim.Mail.Transports.Smtp.Tls;

/// <summary>
/// One smtp transport's TLS and AUTH host lists, compiled once per configuration snapshot, and what they decide for a
/// host: whether to try STARTTLS (not in <c>hosts_avoid_tls</c>), whether TLS is required, how its certificate is
/// checked, and the handshake's options. Host lists match the host's address, and name items its name, as Exim's
/// verify_check_given_host does, without lookups.
/// </summary>
internal sealed class TransportTls
{
    private static readonly ConditionalWeakTable<TransportConfig, TransportTls> Compiled = [];
    private readonly TransportConfig _transport;
    private readonly HostList _avoidTls;
    private readonly HostList _requireTls;
    private readonly HostList _verifyHosts;
    private readonly HostList _tryVerifyHosts;
    private readonly HostList _verifyCertHostnames;
    private readonly HostList _requireAuth;
    private readonly HostList _tryAuth;
    private readonly HostList _tryDane;
    private readonly HostList _requireDane;
    private readonly CipherSuitesPolicy? _ciphers;
    private readonly SslProtocols _protocols;

    private TransportTls(TransportConfig t)
    {
        _transport = t;
        _avoidTls = new HostList(t.HostsAvoidTls);
        _requireTls = new HostList(t.HostsRequireTls);
        _verifyHosts = new HostList(t.TlsVerifyHosts);
        _tryVerifyHosts = new HostList(t.TlsTryVerifyHosts);
        _verifyCertHostnames = new HostList(t.TlsVerifyCertHostnames);
        _requireAuth = new HostList(t.HostsRequireAuth);
        _tryAuth = new HostList(t.HostsTryAuth);
        _tryDane = new HostList(t.HostsTryDane);
        _requireDane = new HostList(t.HostsRequireDane);
        // The loader has checked the names; an empty list leaves the system's defaults.
        _ciphers = TlsCipherSuites.TryParse(t.TlsRequireCiphers, out var suites, out _) && suites is not null ? new CipherSuitesPolicy(suites) : null;
        _protocols = TlsCipherSuites.Protocols(suites, SslProtocols.Tls12 | SslProtocols.Tls13);
    }

    public static TransportTls For(TransportConfig transport) => Compiled.GetValue(transport, t => new TransportTls(t));

    public bool TryTls(HostItem host) => !Matches(_avoidTls, host);

    public bool RequireTls(HostItem host) => Matches(_requireTls, host);

    public bool RequireAuth(HostItem host) => Matches(_requireAuth, host);

    public bool TryAuth(HostItem host) => Matches(_tryAuth, host);

    /// <summary>hosts_try_dane: the host's TLSA records are looked up (when its lookups were secure).</summary>
    public bool TryDane(HostItem host) => Matches(_tryDane, host);

    /// <summary>hosts_require_dane: the host is delivered to only over DANE-verified TLS.</summary>
    public bool RequireDane(HostItem host) => Matches(_requireDane, host);

    /// <summary>
    /// tls_verify_hosts first, then tls_try_verify_hosts; with both lists empty every host is verified strictly, Exim's
    /// back-compatible rule.
    /// </summary>
    public CertificateCheck CheckFor(HostItem host)
    {
        if ((_verifyHosts.IsEmpty && _tryVerifyHosts.IsEmpty) || Matches(_verifyHosts, host)) return CertificateCheck.Required;
        return Matches(_tryVerifyHosts, host) ? CertificateCheck.Optional : CertificateCheck.None;
    }

    /// <summary>What <paramref name="host"/>'s certificate is checked against; reads the anchors file when it is needed.</summary>
    public ServerCertificatePolicy PolicyFor(HostItem host)
    {
        var check = CheckFor(host);
        if (check == CertificateCheck.None) return new ServerCertificatePolicy(check, null, null);
        var anchors = _transport.TlsVerifyCertificates is "system" or "" ? null : PemFiles.Anchors(_transport.TlsVerifyCertificates);
        var name = Matches(_verifyCertHostnames, host) ? host.Name : null;
        return new ServerCertificatePolicy(check, anchors, name);
    }

    /// <summary>
    /// The handshake's options: TLS 1.2 or later, the tls_require_ciphers suites, SNI from tls_sni (or
    /// <paramref name="sni"/>: DANE's host name), the certificate checked by <paramref name="check"/>, the client
    /// certificate, no downloads.
    /// </summary>
    public SslClientAuthenticationOptions HandshakeOptions(RemoteCertificateValidationCallback check, string? sni = null)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = sni ?? (string.IsNullOrEmpty(_transport.TlsSni) ? "" : _transport.TlsSni),
            EnabledSslProtocols = _protocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = new X509ChainPolicy { RevocationMode = X509RevocationMode.NoCheck, DisableCertificateDownloads = true },
            RemoteCertificateValidationCallback = check,
            CipherSuitesPolicy = _ciphers,
        };
        if (_transport.TlsCertificate is { Length: > 0 } certificate)
        {
            options.ClientCertificateContext = PemFiles.ClientCertificate(certificate, string.IsNullOrEmpty(_transport.TlsPrivatekey) ? null : _transport.TlsPrivatekey);
        }
        return options;
    }

    private static bool Matches(HostList list, HostItem host) => !list.IsEmpty && host.Address is { } address && list.Matches(address, host.Name);
}
