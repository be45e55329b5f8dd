namespace Exim.Mail.Tls.Dane;

/// <summary>What the TLSA lookup for one host found (Exim's tlsa_lookup, host.c), before any certificate is seen.</summary>
internal enum DaneLookupStatus : byte
{
    /// <summary>The host's MX or address lookup was not DNSSEC-secure: no TLSA lookup is made.</summary>
    NotApplicable,
    /// <summary>No TLSA records (NODATA or NXDOMAIN): DANE does not apply to this host.</summary>
    NoRecords,
    /// <summary>TLSA records, but the answer was not DNSSEC-secure: they cannot be believed (Exim logs it).</summary>
    Insecure,
    /// <summary>Secure TLSA records, none of them usable for SMTP: TLS is still mandatory (RFC 7672 §2.2).</summary>
    Unusable,
    /// <summary>Secure TLSA records, at least one usable: a DANE-verified TLS connection is required.</summary>
    Records,
    /// <summary>The lookup failed temporarily (SERVFAIL, which is what a validating resolver gives for a bogus answer, or a timeout).</summary>
    Again,
    /// <summary>The lookup failed permanently (DNS_FAIL: FORMERR, NOTIMP, a CNAME loop).</summary>
    Failed,
}
