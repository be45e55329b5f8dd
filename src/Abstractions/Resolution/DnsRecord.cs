using System.Collections.Immutable;
using System.Net;

namespace Exim.Abstractions.Resolution;

/// <summary>One resource record of an answer.</summary>
/// <param name="Owner">The owner name, without a trailing dot.</param>
/// <param name="Ttl">The record's time to live.</param>
public abstract record DnsRecord(string Owner, TimeSpan Ttl)
{
    /// <summary>The record's type.</summary>
    public abstract DnsRecordType Type { get; }
}

/// <summary>An A or AAAA record.</summary>
/// <param name="Owner">The owner name.</param>
/// <param name="Ttl">The time to live.</param>
/// <param name="Address">The address.</param>
public sealed record AddressRecord(string Owner, TimeSpan Ttl, IPAddress Address) : DnsRecord(Owner, Ttl)
{
    /// <inheritdoc/>
    public override DnsRecordType Type => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? DnsRecordType.Aaaa : DnsRecordType.A;
}

/// <summary>An MX record. An <see cref="Exchange"/> of <c>""</c> is RFC 7505's null MX (<c>.</c>).</summary>
/// <param name="Owner">The owner name.</param>
/// <param name="Ttl">The time to live.</param>
/// <param name="Preference">Lower is preferred.</param>
/// <param name="Exchange">The target host name, without a trailing dot.</param>
public sealed record MxRecord(string Owner, TimeSpan Ttl, int Preference, string Exchange) : DnsRecord(Owner, Ttl)
{
    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.Mx;
}

/// <summary>An SRV record. A <see cref="Target"/> of <c>""</c> means "no service".</summary>
/// <param name="Owner">The owner name.</param>
/// <param name="Ttl">The time to live.</param>
/// <param name="Priority">Lower is preferred.</param>
/// <param name="Weight">Relative weight within a priority.</param>
/// <param name="Port">The port.</param>
/// <param name="Target">The target host name, without a trailing dot.</param>
public sealed record SrvRecord(string Owner, TimeSpan Ttl, int Priority, int Weight, int Port, string Target) : DnsRecord(Owner, Ttl)
{
    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.Srv;
}

/// <summary>A CNAME record.</summary>
/// <param name="Owner">The alias.</param>
/// <param name="Ttl">The time to live.</param>
/// <param name="Target">The canonical name.</param>
public sealed record CnameRecord(string Owner, TimeSpan Ttl, string Target) : DnsRecord(Owner, Ttl)
{
    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.Cname;
}

/// <summary>A PTR record.</summary>
/// <param name="Owner">The reverse name.</param>
/// <param name="Ttl">The time to live.</param>
/// <param name="Target">The host name.</param>
public sealed record PtrRecord(string Owner, TimeSpan Ttl, string Target) : DnsRecord(Owner, Ttl)
{
    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.Ptr;
}

/// <summary>A TXT record.</summary>
/// <param name="Owner">The owner name.</param>
/// <param name="Ttl">The time to live.</param>
/// <param name="Strings">The character strings, in order.</param>
public sealed record TxtRecord(string Owner, TimeSpan Ttl, ImmutableArray<string> Strings) : DnsRecord(Owner, Ttl)
{
    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.Txt;
}

/// <summary>
/// A TLSA record (RFC 6698): which certificate or key a TLS server presents, for DANE. The fields are kept as they
/// came, unknown values included: deciding which records are usable is the caller's job (RFC 7671 §4).
/// </summary>
/// <param name="Owner">The owner name (<c>_25._tcp.mx.example</c>).</param>
/// <param name="Ttl">The time to live.</param>
/// <param name="Usage">The certificate usage: 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE.</param>
/// <param name="Selector">What is matched: 0 the full certificate, 1 its SubjectPublicKeyInfo.</param>
/// <param name="MatchingType">How it is matched: 0 exactly, 1 by SHA-256, 2 by SHA-512.</param>
/// <param name="Data">The certificate association data.</param>
public sealed record TlsaRecord(string Owner, TimeSpan Ttl, byte Usage, byte Selector, byte MatchingType, ImmutableArray<byte> Data) : DnsRecord(Owner, Ttl)
{
    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.Tlsa;

    /// <summary>The record in presentation form (<c>3 1 1 ab12...</c>), for log lines.</summary>
    public override string ToString() => $"{Usage} {Selector} {MatchingType} {Convert.ToHexStringLower(Data.AsSpan())}";
}
