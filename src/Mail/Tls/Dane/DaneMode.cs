namespace Exim.Mail.Tls.Dane;

/// <summary>What DANE makes of one host before connecting (<see cref="DanePolicy.Decide"/>).</summary>
internal enum DaneMode : byte
{
    /// <summary>DANE does not apply: TLS as hosts_try_tls / hosts_require_tls and the verify options say.</summary>
    None,
    /// <summary>TLS is mandatory, SNI is the host name, and the certificate is checked against the TLSA records instead of PKIX.</summary>
    Verify,
    /// <summary>TLS is mandatory but cannot be authenticated: every TLSA record is unusable (RFC 7672 §2.2).</summary>
    EncryptOnly,
    /// <summary>Do not use this host now; try again later (the host is deferred).</summary>
    Defer,
    /// <summary>hosts_require_dane cannot be met: the addresses fail (Exim returns FAIL from smtp_setup_conn).</summary>
    Fail,
}
