using System.Collections.Immutable;
using Exim.Abstractions.Resolution;

namespace Exim.Mail.Tls.Dane;

/// <summary>The TLSA lookup for one host.</summary>
/// <param name="Status">What was found.</param>
/// <param name="Name">The name that was looked up (<c>_25._tcp.mx.example</c>).</param>
/// <param name="Records">The TLSA records, for <see cref="DaneLookupStatus.Records"/> and <see cref="DaneLookupStatus.Unusable"/>.</param>
internal sealed record DaneLookupResult(DaneLookupStatus Status, string Name, ImmutableArray<TlsaRecord> Records)
{
    /// <summary>The TLSA base domain (RFC 7672 §2.2.2): the host name the records were looked up for, the first reference name for DANE-TA.</summary>
    public required string BaseDomain { get; init; }
}
