using System.Collections.Immutable;

namespace Exim.Abstractions.Resolution;

/// <summary>The answer to one <see cref="DnsQuestion"/>.</summary>
/// <param name="Status">The outcome in Exim's terms.</param>
/// <param name="Records">The answer section (records of the wanted type and any CNAMEs leading to them).</param>
/// <param name="Authenticated">The AD bit, reported only when the answering server is trusted for it.</param>
/// <param name="NegativeTtl">For NoMatch/NoData: the SOA minimum from the authority section, when present.</param>
public sealed record DnsAnswer(DnsStatus Status, ImmutableArray<DnsRecord> Records, bool Authenticated, TimeSpan? NegativeTtl)
{
    /// <summary>
    /// The AA bit: the answering server is authoritative for the name. The core counts such an answer as secure
    /// only when <see cref="AuthorityName"/> is in <c>dns_trust_aa</c> (Exim's dns_is_secure).
    /// </summary>
    public bool Authoritative { get; init; }

    /// <summary>
    /// The zone the answer came from, as Exim's dns_extract_auth_name finds it: the owner of the first NS record of
    /// the authority section when the answer has records, otherwise the owner of the SOA record; null when there is
    /// none, or the answer was not authoritative.
    /// </summary>
    public string? AuthorityName { get; init; }

    /// <summary>An answer with no records and the given status.</summary>
    /// <param name="status">The outcome.</param>
    /// <param name="negativeTtl">How long the negative answer may be cached, when known.</param>
    public static DnsAnswer Empty(DnsStatus status, TimeSpan? negativeTtl = null) => new(status, [], false, negativeTtl);
}
