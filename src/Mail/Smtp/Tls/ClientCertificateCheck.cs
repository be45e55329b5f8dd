using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Exim.Mail.Smtp.Tls;

/// <summary>
/// One handshake's check of the client certificate (tls_verify_hosts: <paramref name="required"/>; tls_try_verify_hosts:
/// asked for, verified if sent): the chain is built against the tls_verify_certificates CAs (null: the system store).
/// Remembers the outcome for the <c>CV=</c> field and, when the handshake is refused, OpenSSL's reason for the log.
/// </summary>
internal sealed class ClientCertificateCheck(X509Certificate2Collection? cas, bool required)
{
    /// <summary>The extended key usage id-kp-clientAuth.</summary>
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    /// <summary>Whether the client sent a certificate that verified.</summary>
    public bool Verified { get; private set; }

    /// <summary>Why the handshake was refused (OpenSSL's words, as Exim logs them), or null.</summary>
    public string? Failure { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            if (required) Failure = "peer did not return a certificate";
            return !required;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // OpenSSL's server context checks the sslclient purpose: a certificate made for servers only is no client's.
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClientAuth));
        if (cas is not null)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(cas);
        }
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        var copy = certificate as X509Certificate2 is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
        try
        {
            Verified = chain.Build(copy ?? (X509Certificate2)certificate);
        }
        finally
        {
            // The built chain's elements are copies of their own; ours to dispose, with the leaf's copy.
            foreach (var element in chain.ChainElements)
            {
                if (!ReferenceEquals(element.Certificate, certificate)) element.Certificate.Dispose();
            }
            copy?.Dispose();
        }
        if (!Verified && required) Failure = "certificate verify failed";
        return Verified || !required;
    }
}
