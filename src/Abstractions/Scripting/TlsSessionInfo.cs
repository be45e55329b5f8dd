namespace Exim.Abstractions.Scripting;

/// <summary>
/// What a TLS session negotiated, as Exim's variables and log fields name it (<c>$tls_in_ver</c>, <c>$tls_in_cipher</c>,
/// <c>$tls_in_bits</c>, <c>$tls_in_sni</c>, <c>$tls_in_peerdn</c>, <c>$tls_in_certificate_verified</c>; the <c>X=</c>,
/// <c>CV=</c>, <c>SNI=</c> and <c>DN=</c> log fields).
/// </summary>
/// <param name="Protocol">The protocol version as Exim logs it, e.g. <c>TLS1.3</c>.</param>
/// <param name="Cipher">The cipher suite as OpenSSL (and so Exim) names it: the IANA name for TLS 1.3 (<c>TLS_AES_256_GCM_SHA384</c>), OpenSSL's for TLS 1.2 (<c>ECDHE-RSA-AES256-GCM-SHA384</c>).</param>
/// <param name="Bits">The cipher's key strength in bits, e.g. 256.</param>
public sealed record TlsSessionInfo(string Protocol, string Cipher, int Bits)
{
    /// <summary>
    /// The cipher suite's standard (IANA) name, Exim's <c>$tls_in_cipher_std</c>, which its Received header shows
    /// (<c>TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384</c> where <see cref="Cipher"/> has OpenSSL's
    /// <c>ECDHE-RSA-AES256-GCM-SHA384</c>; the same for TLS 1.3), or null when not known.
    /// </summary>
    public string? CipherStd { get; init; }

    /// <summary>The server name the client asked for (SNI), or null.</summary>
    public string? Sni { get; init; }

    /// <summary>The peer certificate's subject in OpenSSL's one-line form as Exim writes it (<c>/O=y/CN=x</c>), or null when the peer sent none.</summary>
    public string? PeerSubject { get; init; }

    /// <summary>Whether the peer's certificate was verified (Exim's <c>CV=yes</c>).</summary>
    public bool PeerVerified { get; init; }

    /// <summary>
    /// Whether the peer was authenticated by its DNSSEC-secure TLSA records rather than by a CA (Exim's
    /// <c>$tls_out_dane</c>, <c>CV=dane</c>); only the smtp transport's sessions set it.
    /// </summary>
    public bool Dane { get; init; }

    /// <summary>Exim's <c>CV=</c> field: <c>dane</c>, <c>yes</c> or <c>no</c>.</summary>
    public string CertificateVerified => Dane ? "dane" : PeerVerified ? "yes" : "no";

    /// <summary>Exim's <c>X=</c> field: <c>protocol:cipher:bits</c>.</summary>
    public override string ToString() => $"{Protocol}:{Cipher}:{Bits}";
}
