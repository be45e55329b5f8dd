using System.Collections.Immutable;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Exim.Abstractions.Config;
using Exim.Mail.Tls;

namespace Exim.Mail.Smtp.Tls;

/// <summary>
/// The server side of TLS for one generation: the certificate pairs (chosen by SNI, the first as the default), the
/// protocols and cipher suites allowed, and the CAs client certificates are verified against. Loaded and checked when
/// the generation is built, so a bad certificate never replaces a good one; sessions keep the credentials of the
/// generation they started on.
/// </summary>
internal sealed class TlsServerCredentials
{
    private readonly CipherSuitesPolicy? _ciphers;
    private readonly X509Certificate2Collection? _clientCas; // null: the system's trust store

    private TlsServerCredentials(ImmutableArray<TlsCertificatePair> pairs, SslProtocols protocols, CipherSuitesPolicy? ciphers, X509Certificate2Collection? clientCas)
    {
        Pairs = pairs;
        Protocols = protocols;
        _ciphers = ciphers;
        _clientCas = clientCas;
    }

    public ImmutableArray<TlsCertificatePair> Pairs { get; }
    public SslProtocols Protocols { get; }

    /// <summary>
    /// Loads the credentials <paramref name="main"/> names (its paths already absolute), or null when it names no
    /// certificate. Every problem is reported through <paramref name="error"/> with the option it comes from.
    /// </summary>
    /// <remarks>
    /// An expired (or not yet valid) certificate is refused only where it would replace one that is valid now: on a reload
    /// the old generation keeps serving its good certificate. Where nothing better is being served (at start-up, or the
    /// running certificate has expired too) it is served with a warning, as Exim serves it, since refusing it would
    /// stop all mail, or refuse every reload, over what most sending MTAs do not check.
    /// </remarks>
    /// <param name="main">The main options.</param>
    /// <param name="now">The time certificates must be valid at.</param>
    /// <param name="error">Reports (option, message) for each problem.</param>
    /// <param name="warning">Reports an out-of-date certificate served because nothing better is.</param>
    /// <param name="current">The credentials being served now, or null at start-up.</param>
    public static TlsServerCredentials? Load(MainOptions main, DateTimeOffset now, Action<string, string> error, Action<string>? warning = null,
        TlsServerCredentials? current = null)
    {
        if (main.TlsCertificate.IsEmpty) return null;
        var failed = false;
        var pairs = ImmutableArray.CreateBuilder<TlsCertificatePair>(main.TlsCertificate.Length);
        for (var i = 0; i < main.TlsCertificate.Length; i++)
        {
            var certificate = main.TlsCertificate[i];
            var key = main.TlsPrivatekey.IsEmpty ? certificate : main.TlsPrivatekey[i];
            var servingValid = current is not null && current.Pairs.Any(p => p.CertificatePath == certificate && p.ValidAt(now));
            var pair = TlsCertificatePair.Load(certificate, key, now, allowOutOfDate: !servingValid, out var problem, out var stale);
            if (stale is not null) warning?.Invoke(stale + "; served, since no valid certificate is being served in its place");
            if (pair is null)
            {
                error(problem!.StartsWith("tls_privatekey", StringComparison.Ordinal) && !main.TlsPrivatekey.IsEmpty ? "tls_privatekey" : "tls_certificate", problem);
                failed = true;
            }
            else pairs.Add(pair);
        }

        X509Certificate2Collection? cas = null;
        if ((!main.TlsVerifyHosts.IsEmpty || !main.TlsTryVerifyHosts.IsEmpty) && main.TlsVerifyCertificates != "system")
        {
            if (!CaFiles.TryLoad(main.TlsVerifyCertificates, out cas, out var problem))
            {
                error("tls_verify_certificates", "tls_verify_certificates: " + problem);
                failed = true;
            }
        }
        if (failed) return null;

        if (!TlsCipherSuites.TryParse(main.TlsRequireCiphers, out var suites, out var cipherError))
        {
            error("tls_require_ciphers", cipherError); // the loader has refused it already; a caller that skipped it is told too
            return null;
        }
        var protocols = TlsCipherSuites.Protocols(suites, main.TlsMinProtocol == "TLS1.3" ? SslProtocols.Tls13 : SslProtocols.Tls12 | SslProtocols.Tls13);
        return new TlsServerCredentials(pairs.MoveToImmutable(), protocols, suites is null ? null : new CipherSuitesPolicy(suites), cas);
    }

    /// <summary>The certificate for <paramref name="serverName"/> (the client's SNI): the first pair that serves it, else the first.</summary>
    public TlsCertificatePair For(string? serverName)
    {
        if (!string.IsNullOrEmpty(serverName) && Pairs.Length > 1)
        {
            foreach (var pair in Pairs)
            {
                if (pair.Serves(serverName)) return pair;
            }
        }
        return Pairs[0];
    }

    /// <summary>The options for one handshake: the certificate for the SNI, and the client certificate check (null: none asked for).</summary>
    public SslServerAuthenticationOptions Options(string? serverName, ClientCertificateCheck? check) => new()
    {
        ServerCertificateContext = For(serverName).Context,
        EnabledSslProtocols = Protocols,
        CipherSuitesPolicy = _ciphers,
        ClientCertificateRequired = check is not null,
        RemoteCertificateValidationCallback = check is null ? null : check.Validate,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        AllowRenegotiation = false,
    };

    /// <summary>A check of the client's certificate against the configured CAs; <paramref name="required"/>: no verified certificate, no session.</summary>
    public ClientCertificateCheck ClientCheck(bool required) => new(_clientCas, required);

    /// <summary>Every file the credentials were read from, and where symbolic links among them point (what to watch for renewals).</summary>
    public IEnumerable<string> Files()
    {
        foreach (var pair in Pairs)
        {
            foreach (var path in pair.KeyPath == pair.CertificatePath ? [pair.CertificatePath] : new[] { pair.CertificatePath, pair.KeyPath })
            {
                yield return path;
                FileSystemInfo? target = null;
                try { target = File.ResolveLinkTarget(path, returnFinalTarget: true); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
                if (target is not null) yield return target.FullName;
            }
        }
    }

    /// <summary>Whether a certificate or key file now holds something other than what was loaded.</summary>
    public bool FilesChanged()
    {
        foreach (var pair in Pairs)
        {
            if (TlsCertificatePair.HashFiles(pair.CertificatePath, pair.KeyPath) != pair.ContentHash) return true;
        }
        return false;
    }
}
