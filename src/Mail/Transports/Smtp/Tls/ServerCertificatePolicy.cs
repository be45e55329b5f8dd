using System.Security.Cryptography.X509Certificates;

namespace Exim.Mail.Transports.Smtp.Tls;

/// <summary>
/// What one host's certificate is checked against: the check's strength, the trust anchors added to the system's
/// (<c>tls_verify_certificates</c> naming a file or directory; null for the system store alone) and the name the
/// certificate must carry (<c>tls_verify_cert_hostnames</c>; null when the name is not checked). DANE adds its TLSA
/// records here.
/// </summary>
internal sealed record ServerCertificatePolicy(CertificateCheck Check, X509Certificate2Collection? Anchors, string? ExpectedName);
