namespace Exim.Mail.Tls.Dane;

/// <summary>A TLSA record's matching type field (RFC 6698 §2.1.3).</summary>
internal enum TlsaMatchingType : byte
{
    /// <summary>The selected content itself.</summary>
    Exact = 0,
    /// <summary>Its SHA-256 digest (32 bytes).</summary>
    Sha256 = 1,
    /// <summary>Its SHA-512 digest (64 bytes).</summary>
    Sha512 = 2,
}
