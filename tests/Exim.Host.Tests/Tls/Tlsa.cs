using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exim.Abstractions.Resolution;

namespace Exim.Host.Tests.Tls;

/// <summary>TLSA records for test certificates, made by the definitions of RFC 6698 §2.1 (DER certificate or SubjectPublicKeyInfo, then nothing, SHA-256 or SHA-512).</summary>
internal static class Tlsa
{
    public static TlsaRecord For(X509Certificate2 certificate, byte usage, byte selector = 1, byte matching = 1, string owner = "_25._tcp.mx.dane.test")
        => new(owner, TimeSpan.FromMinutes(5), usage, selector, matching, [.. Data(certificate, selector, matching)]);

    public static byte[] Data(X509Certificate2 certificate, byte selector, byte matching)
    {
        var selected = selector == 0 ? certificate.RawData : certificate.PublicKey.ExportSubjectPublicKeyInfo();
        return matching switch { 1 => SHA256.HashData(selected), 2 => SHA512.HashData(selected), _ => selected };
    }

    /// <summary>The record in zone-file form, for a zone signed at test time.</summary>
    public static string ZoneLine(string owner, X509Certificate2 certificate, byte usage, byte selector = 1, byte matching = 1)
        => $"{owner} IN TLSA {usage} {selector} {matching} {Convert.ToHexStringLower(Data(certificate, selector, matching))}";
}
