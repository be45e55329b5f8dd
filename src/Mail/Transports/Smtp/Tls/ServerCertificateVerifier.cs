using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Exim.Mail.Tls;

namespace Exim.Mail.Transports.Smtp.Tls;

/// <summary>
/// The one place where a server's certificate is judged, called by the handshake's RemoteCertificateValidationCallback:
/// the chain must lead to a trust anchor (the system store, then <see cref="ServerCertificatePolicy.Anchors"/>), and
/// the certificate must name the host when <see cref="ServerCertificatePolicy.ExpectedName"/> is set. The outcome is
/// <see cref="Verified"/> (Exim's <c>CV=yes</c>) and, for a failure, Exim's "SSL verify error" texts in
/// <see cref="Errors"/>; the handshake goes on unless the check is <see cref="CertificateCheck.Required"/>.
/// One verifier serves one handshake.
/// </summary>
internal sealed class ServerCertificateVerifier(ServerCertificatePolicy policy, TimeProvider time)
{
    private readonly List<string> _errors = [];

    /// <summary>The certificate was verified (chain and, when asked for, name).</summary>
    public bool Verified { get; private set; }

    /// <summary>The certificate was refused (a required check failed), so the handshake fails.</summary>
    public bool Rejected { get; private set; }

    /// <summary>The presented certificate's subject in OpenSSL's one-line form (<c>/CN=mx.example</c>), or null.</summary>
    public string? PeerSubject { get; private set; }

    /// <summary>What failed, as Exim logs it after <c>[address] SSL verify error</c>.</summary>
    public IReadOnlyList<string> Errors => _errors;

    public RemoteCertificateValidationCallback Callback => (_, certificate, chain, _) => Validate(certificate, chain);

    public bool Validate(X509Certificate? certificate, X509Chain? presented)
    {
        if (certificate is null)
        {
            _errors.Add(": no certificate presented");
            return Decide(false);
        }
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        PeerSubject = DistinguishedNames.OneLine(leaf.SubjectName);
        if (policy.Check == CertificateCheck.None) return true;
        var chained = ChainError(leaf, presented) is not { } error || Record(error);
        var named = chained && (policy.ExpectedName is not { } name || NameMatches(leaf, name) || Record($": certificate name mismatch: DN=\"{PeerSubject}\" H=\"{name}\""));
        return Decide(chained && named);
    }

    /// <summary>
    /// Whether the certificate names <paramref name="name"/>; a name .NET refuses to match (<c>-bad-.example</c>,
    /// <c>a..b</c>) names nothing, as in DaneMatcher, rather than failing the delivery with an exception.
    /// </summary>
    private static bool NameMatches(X509Certificate2 leaf, string name)
    {
        try
        {
            return leaf.MatchesHostname(name);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private bool Record(string error)
    {
        _errors.Add(error);
        return false;
    }

    private bool Decide(bool verified)
    {
        Verified = verified;
        Rejected = !verified && policy.Check == CertificateCheck.Required;
        return !Rejected;
    }

    /// <summary>Null when the chain leads to the system's anchors or to ours, else Exim's "depth=N error=... cert=..." text.</summary>
    private string? ChainError(X509Certificate2 leaf, X509Chain? presented)
    {
        using var system = Build(leaf, presented, null);
        if (system.Ok) return null;
        if (policy.Anchors is { Count: > 0 } anchors)
        {
            using var ours = Build(leaf, presented, anchors);
            if (ours.Ok) return null;
        }
        return system.Error;
    }

    private ChainResult Build(X509Certificate2 leaf, X509Chain? presented, X509Certificate2Collection? anchors)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // Exim checks no revocation without tls_crl
        chain.ChainPolicy.DisableCertificateDownloads = true;         // and fetches nothing during a delivery
        chain.ChainPolicy.VerificationTime = time.GetLocalNow().LocalDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
        }
        if (anchors is not null)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(anchors);
        }
        var ok = chain.Build(leaf);
        return new ChainResult(chain, ok, ok ? null : Describe(chain, leaf, time.GetUtcNow()));
    }

    /// <summary>The first failing element, with OpenSSL's words for the usual failures.</summary>
    private static string Describe(X509Chain chain, X509Certificate2 leaf, DateTimeOffset now)
    {
        for (var depth = 0; depth < chain.ChainElements.Count; depth++)
        {
            var element = chain.ChainElements[depth];
            var flags = element.ChainElementStatus.Aggregate(X509ChainStatusFlags.NoError, (a, s) => a | s.Status);
            if (flags == X509ChainStatusFlags.NoError) continue;
            var cert = element.Certificate;
            var text = flags switch
            {
                _ when flags.HasFlag(X509ChainStatusFlags.NotTimeValid) => cert.NotAfter.ToUniversalTime() < now.UtcDateTime ? "certificate has expired" : "certificate is not yet valid",
                _ when flags.HasFlag(X509ChainStatusFlags.UntrustedRoot) && chain.ChainElements.Count == 1 && cert.SubjectName.RawData.AsSpan().SequenceEqual(cert.IssuerName.RawData) => "self-signed certificate",
                _ when flags.HasFlag(X509ChainStatusFlags.UntrustedRoot) => "self-signed certificate in certificate chain",
                _ when flags.HasFlag(X509ChainStatusFlags.PartialChain) => "unable to get local issuer certificate",
                _ => string.Join("; ", element.ChainElementStatus.Select(s => s.StatusInformation.Trim())),
            };
            return $": depth={depth} error={text} cert={DistinguishedNames.OneLine(cert.SubjectName)}";
        }
        var status = chain.ChainStatus.FirstOrDefault();
        return $": depth=0 error={(status.Status == X509ChainStatusFlags.PartialChain ? "unable to get local issuer certificate" : status.StatusInformation?.Trim())} cert={DistinguishedNames.OneLine(leaf.SubjectName)}";
    }

    private sealed record ChainResult(X509Chain Chain, bool Ok, string? Error) : IDisposable
    {
        public void Dispose()
        {
            foreach (var element in Chain.ChainElements) element.Certificate.Dispose();
            Chain.Dispose();
        }
    }
}
