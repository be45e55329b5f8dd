using System.Collections.Immutable;
using Exim.Abstractions.Resolution;

namespace Exim.Mail.Resolution;

/// <summary>
/// A lookup after CNAMEs were followed: the records of the wanted type and the name they belong to, and whether every
/// answer on the way was DNSSEC-secure (AD from a trusted server, or AA from a zone in dns_trust_aa).
/// </summary>
internal sealed record DnsLookupResult(DnsStatus Status, ImmutableArray<DnsRecord> Records, string Fqdn, bool SyntaxError = false, bool Secure = false);
