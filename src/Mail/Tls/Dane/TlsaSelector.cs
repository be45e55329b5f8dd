namespace Exim.Mail.Tls.Dane;

/// <summary>A TLSA record's selector field (RFC 6698 §2.1.2): which part of a certificate is matched.</summary>
internal enum TlsaSelector : byte
{
    /// <summary>The whole certificate, DER-encoded.</summary>
    Certificate = 0,
    /// <summary>The SubjectPublicKeyInfo, DER-encoded.</summary>
    PublicKey = 1,
}
