namespace Exim.Abstractions.Resolution;

/// <summary>The DNS record types Exim looks up, with their wire values.</summary>
public enum DnsRecordType : ushort
{
    /// <summary>IPv4 address.</summary>
    A = 1,
    /// <summary>Alias.</summary>
    Cname = 5,
    /// <summary>Start of authority.</summary>
    Soa = 6,
    /// <summary>Pointer (reverse lookup).</summary>
    Ptr = 12,
    /// <summary>Mail exchanger.</summary>
    Mx = 15,
    /// <summary>Text.</summary>
    Txt = 16,
    /// <summary>IPv6 address.</summary>
    Aaaa = 28,
    /// <summary>Service locator.</summary>
    Srv = 33,
    /// <summary>TLS certificate association (DANE, RFC 6698).</summary>
    Tlsa = 52,
}
