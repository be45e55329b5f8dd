namespace Exim.Mail.Tls.Dane;

/// <summary>A TLSA record's certificate usage field (RFC 6698 §2.1.1, RFC 7218's names).</summary>
internal enum TlsaUsage : byte
{
    /// <summary>A CA that must also be trusted by PKIX: unusable for SMTP (RFC 7672 §3.1.3).</summary>
    PkixTa = 0,
    /// <summary>The end entity, also PKIX-validated: unusable for SMTP (RFC 7672 §3.1.3).</summary>
    PkixEe = 1,
    /// <summary>A trust anchor in the server's chain: the chain must verify to it and the names must match.</summary>
    DaneTa = 2,
    /// <summary>The server's own certificate or key: names and dates do not matter (RFC 7672 §3.1.1).</summary>
    DaneEe = 3,
}
