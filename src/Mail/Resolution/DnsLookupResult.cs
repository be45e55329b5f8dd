using System.Collections.Immutable;
using Exim.Abstractions.Resolution;

namespace Exim.Mail.Resolution;

/// <summary>A lookup after CNAMEs were followed: the records of the wanted type and the name they belong to.</summary>
internal sealed record DnsLookupResult(DnsStatus Status, ImmutableArray<DnsRecord> Records, string Fqdn, bool SyntaxError = false);
