using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Exim.TestKit;

/// <summary>
/// Throwaway certificates made by the tests themselves, never checked in: a test CA, and certificates it issues (a
/// server's, a client's, an expired one, one whose key file holds the wrong key), written as PEM files the way an
/// operator's are (certificate or chain in one file, unencrypted PKCS#8 key in another). ECDSA P-256: quick to make and
/// to handshake with, and every client in the tests (swaks, openssl s_client, .NET, Dovecot) speaks it.
/// </summary>
public sealed partial class TestCertificates : IDisposable
{
    private readonly ECDsa _caKey;
    private int _serial;

    private TestCertificates(string directory, X509Certificate2 ca, ECDsa caKey, string caPath)
        => (Directory, Ca, _caKey, CaPath) = (directory, ca, caKey, caPath);

    /// <summary>Where the files are written.</summary>
    public string Directory { get; }

    /// <summary>The CA's certificate (without its key).</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>The CA's certificate as a PEM file (what tls_verify_certificates names).</summary>
    public string CaPath { get; }

    /// <summary>Makes a CA named <paramref name="name"/> and writes its certificate to <c>ca.pem</c> in <paramref name="directory"/>.</summary>
    public static TestCertificates Create(string directory, string name = "Exim Test CA")
    {
        System.IO.Directory.CreateDirectory(directory);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var withKey = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        var ca = X509CertificateLoader.LoadCertificate(withKey.RawData);
        var path = Path.Combine(directory, $"{Safe(name)}.pem");
        File.WriteAllText(path, ca.ExportCertificatePem() + "\n");
        return new TestCertificates(directory, ca, key, path);
    }

    /// <summary>
    /// Issues a certificate for <paramref name="names"/> (the first is the subject's CN, all are DNS subject alternative
    /// names; an IP address literal becomes an IP SAN) and writes <c>&lt;file&gt;.crt</c> (the certificate, then the CA
    /// when <paramref name="chain"/>) and <c>&lt;file&gt;.key</c>.
    /// </summary>
    /// <param name="file">The files' base name.</param>
    /// <param name="names">The names.</param>
    /// <param name="notBefore">Start of validity (default: a day ago).</param>
    /// <param name="notAfter">End of validity (default: in a year); in the past for an expired certificate.</param>
    /// <param name="client">A client certificate (clientAuth) rather than a server one (serverAuth).</param>
    /// <param name="wrongKey">Writes a freshly made key that does not belong to the certificate.</param>
    /// <param name="chain">Appends the CA's certificate to the certificate file.</param>
    /// <param name="subject">The subject in .NET's form (<c>CN=x, O=y</c>) instead of <c>CN=</c> the first name.</param>
    public TestCertificate Issue(string file, string[] names, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null,
        bool client = false, bool wrongKey = false, bool chain = false, string? subject = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(names.Length);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject ?? $"CN={names[0]}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(client ? "1.3.6.1.5.5.7.3.2" : "1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (System.Net.IPAddress.TryParse(name, out var ip)) san.AddIpAddress(ip);
            else san.AddDnsName(name);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, true, false));
        var serial = BitConverter.GetBytes(Interlocked.Increment(ref _serial) + Environment.TickCount64);
        using var issued = request.Create(Ca.SubjectName, X509SignatureGenerator.CreateForECDsa(_caKey),
            notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddYears(1), serial);
        var certificate = X509CertificateLoader.LoadCertificate(issued.RawData);

        var certPath = Path.Combine(Directory, file + ".crt");
        var keyPath = Path.Combine(Directory, file + ".key");
        File.WriteAllText(certPath, certificate.ExportCertificatePem() + "\n" + (chain ? Ca.ExportCertificatePem() + "\n" : ""));
        using var written = wrongKey ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : null;
        File.WriteAllText(keyPath, (written ?? key).ExportPkcs8PrivateKeyPem() + "\n");
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return new TestCertificate(certPath, keyPath, certificate);
    }

    public void Dispose()
    {
        _caKey.Dispose();
        Ca.Dispose();
    }

    private static string Safe(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray());
}
