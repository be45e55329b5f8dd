namespace Exim.Mail.Resolution;

/// <summary>How <see cref="DnsLookup"/> treats answers: CNAME links to follow, dns_again_means_nonexist, dns_trust_aa.</summary>
/// <param name="CnameLoops">How many CNAME links one lookup follows (<c>dns_cname_loops</c>).</param>
/// <param name="AgainMeansNonexist">Names for which a temporary failure means "does not exist".</param>
/// <param name="TrustAa">Zones whose authoritative answers count as DNSSEC-secure (<c>dns_trust_aa</c>).</param>
internal sealed record DnsLookupSettings(int CnameLoops, Func<string, bool>? AgainMeansNonexist = null, Func<string, bool>? TrustAa = null);
