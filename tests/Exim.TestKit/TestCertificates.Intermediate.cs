using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Exim.TestKit;

public sealed partial class TestCertificates
{
    /// <summary>
    /// Issues an intermediate CA named <paramref name="name"/> under this CA and writes its certificate to
    /// <c>&lt;name&gt;.pem</c>; the result issues certificates signed by the intermediate (a chain of three, as public CAs
    /// give: a DANE-TA record may name either CA).
    /// </summary>
    /// <param name="name">The intermediate's common name.</param>
    /// <param name="notAfter">End of its validity (default: in two years); in the past for an expired intermediate.</param>
    public TestCertificates IssueIntermediate(string name, DateTimeOffset? notAfter = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, true, false));
        var serial = BitConverter.GetBytes(Interlocked.Increment(ref _serial) + Environment.TickCount64);
        using var issued = request.Create(Ca.SubjectName, X509SignatureGenerator.CreateForECDsa(_caKey),
            DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddYears(2), serial);
        var certificate = X509CertificateLoader.LoadCertificate(issued.RawData);
        var path = Path.Combine(Directory, $"{Safe(name)}.pem");
        File.WriteAllText(path, certificate.ExportCertificatePem() + "\n");
        return new TestCertificates(Directory, certificate, key, path);
    }
}
