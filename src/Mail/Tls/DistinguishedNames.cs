using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Exim.Mail.Tls;

/// <summary>
/// A certificate's subject as Exim writes it (<c>$tls_in_peerdn</c>, <c>-tls_peerdn</c>, <c>DN=</c>, the transport's
/// "SSL verify error" lines): OpenSSL's X509_NAME_oneline form, not .NET's <c>CN=x, O=y</c>. Both the server's
/// sessions and the smtp transport's use it.
/// </summary>
internal static class DistinguishedNames
{
    /// <summary>OpenSSL's X509_NAME_oneline form: <c>/C=..../O=.../CN=...</c>, in the name's encoded order.</summary>
    public static string OneLine(X500DistinguishedName name)
    {
        var text = new StringBuilder();
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames())
        {
            var oid = rdn.GetSingleElementType();
            var key = oid.Value switch
            {
                "2.5.4.3" => "CN",
                "2.5.4.6" => "C",
                "2.5.4.7" => "L",
                "2.5.4.8" => "ST",
                "2.5.4.10" => "O",
                "2.5.4.11" => "OU",
                "1.2.840.113549.1.9.1" => "emailAddress",
                _ => oid.FriendlyName ?? oid.Value,
            };
            text.Append('/').Append(key).Append('=').Append(rdn.GetSingleElementValue());
        }
        return text.ToString();
    }

    /// <summary>The subject of a certificate as a TLS callback or <c>RemoteCertificate</c> hands it over, or null.</summary>
    public static string? OneLine(X509Certificate? certificate)
    {
        if (certificate is null) return null;
        if (certificate is X509Certificate2 loaded) return OneLine(loaded.SubjectName);
        using var copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return OneLine(copy.SubjectName);
    }
}
