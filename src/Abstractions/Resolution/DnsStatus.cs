namespace Exim.Abstractions.Resolution;

/// <summary>The outcome of one DNS query, in Exim's terms (dns.c).</summary>
public enum DnsStatus
{
    /// <summary>Records of the wanted type were found (DNS_SUCCEED).</summary>
    Succeed,
    /// <summary>The name does not exist, or fails the syntax check (DNS_NOMATCH).</summary>
    NoMatch,
    /// <summary>The name exists but has no records of the wanted type (DNS_NODATA).</summary>
    NoData,
    /// <summary>A temporary failure: SERVFAIL or a timeout (DNS_AGAIN). Never "no such name".</summary>
    Again,
    /// <summary>A permanent resolver failure (DNS_FAIL).</summary>
    Fail,
}
