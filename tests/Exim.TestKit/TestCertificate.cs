using System.Security.Cryptography.X509Certificates;

namespace Exim.TestKit;

/// <summary>One issued certificate's files.</summary>
/// <param name="CertificatePath">The PEM certificate (or chain) file.</param>
/// <param name="KeyPath">The PEM private key file.</param>
/// <param name="Certificate">The certificate (without its key).</param>
public sealed record TestCertificate(string CertificatePath, string KeyPath, X509Certificate2 Certificate);
