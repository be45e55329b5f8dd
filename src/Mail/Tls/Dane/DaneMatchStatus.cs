namespace Exim.Mail.Tls.Dane;

/// <summary>What checking a server's certificate against its TLSA records found (RFC 7672 §2.2).</summary>
internal enum DaneMatchStatus : byte
{
    /// <summary>
    /// No record is usable for SMTP (PKIX usages, unknown parameters, digests of the wrong length): the TLSA records
    /// cannot authenticate the server, but they still say it does TLS.
    /// </summary>
    NoUsableRecords,
    /// <summary>Usable records, and none matches: the server is not the one the DNS names.</summary>
    Mismatch,
    /// <summary>A usable record matches: the server is authenticated.</summary>
    Matched,
}
