using System.Collections.Immutable;

namespace Exim.Mail.Resolution;

/// <summary>The outcome of host_find_bydns.</summary>
/// <param name="Status">Exim's result code.</param>
/// <param name="Hosts">The hosts in delivery order, unusable ones included where Exim keeps them.</param>
/// <param name="Fqdn">The fully qualified name the lookup ended on as the DNS knows it: the owner of the first record found (a CNAME does not rename it; qualify_single and search_parents can).</param>
/// <param name="RemovedLocal">This host was an MX at a worse preference and was cut, with everything worse.</param>
/// <param name="SyntaxError">The name failed the DNS name syntax check.</param>
/// <param name="NullMx">The domain publishes RFC 7505's null MX and nothing else: it accepts no mail.</param>
internal sealed record HostFindResult(HostFindStatus Status, ImmutableArray<HostItem> Hosts, string Fqdn,
    bool RemovedLocal = false, bool SyntaxError = false, bool NullMx = false);
