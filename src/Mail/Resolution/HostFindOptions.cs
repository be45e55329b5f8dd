using System.Collections.Immutable;
using System.Net;
using Exim.Abstractions.Matching;

namespace Exim.Mail.Resolution;

/// <summary>What host_find_bydns is asked to do, from the router's and the main options.</summary>
internal sealed record HostFindOptions
{
    /// <summary>Look up MX records (dnslookup); false means addresses only.</summary>
    public bool ByMx { get; init; } = true;

    /// <summary>Fall back to the name's own address records when it has no MX; false for a host list's <c>name/MX</c>, which wants MX records only.</summary>
    public bool ByAddress { get; init; } = true;

    /// <summary>Put IPv4 addresses before IPv6 within a preference (<c>ipv4_prefer</c>).</summary>
    public bool Ipv4Prefer { get; init; }

    /// <summary>Look up A records only (<c>ipv4_only</c>, <c>disable_ipv6</c>, or the name is in <c>dns_ipv4_lookup</c>).</summary>
    public bool Ipv4Only { get; init; }

    /// <summary>Allow MX targets that are IP addresses (<c>allow_mx_to_ip</c>).</summary>
    public bool AllowMxToIp { get; init; }

    /// <summary>Target addresses to treat as nonexistent.</summary>
    public HostList IgnoreTargetHosts { get; init; } = HostList.Empty;

    /// <summary>This host's addresses (the local interface list); 0.0.0.0 always counts as local.</summary>
    public ImmutableHashSet<IPAddress> LocalAddresses { get; init; } = [];

    /// <summary>SRV services to try before MX, in order (<c>check_srv</c>); empty means no SRV lookup.</summary>
    public ImmutableArray<string> SrvServices { get; init; } = [];

    /// <summary>Domains for which an MX lookup failure means "no MX" (<c>mx_fail_domains</c>).</summary>
    public Func<string, bool> MxFailDomain { get; init; } = static _ => false;

    /// <summary>Domains for which an SRV lookup failure means "no SRV" (<c>srv_fail_domains</c>).</summary>
    public Func<string, bool> SrvFailDomain { get; init; } = static _ => false;

    /// <summary>Names for which a temporary DNS failure means "does not exist" (<c>dns_again_means_nonexist</c>).</summary>
    public Func<string, bool> AgainMeansNonexist { get; init; } = static _ => false;

    /// <summary>How many CNAME links one lookup follows (<c>dns_cname_loops</c>).</summary>
    public int CnameLoops { get; init; } = 1;

    /// <summary>Log lookups that take more than this many milliseconds (<c>slow_lookup_log</c>); 0 means never.</summary>
    public int SlowLookupLog { get; init; }

    /// <summary>Names for which DNSSEC is requested, the DO bit set (<c>dnssec_request_domains</c>; Exim's default <c>*</c>).</summary>
    public Func<string, bool> DnssecRequest { get; init; } = static _ => true;

    /// <summary>Names whose MX, SRV and address answers must be DNSSEC-secure (<c>dnssec_require_domains</c>); implies request.</summary>
    public Func<string, bool> DnssecRequire { get; init; } = static _ => false;

    /// <summary>Zones whose authoritative (AA) answers count as secure (<c>dns_trust_aa</c>).</summary>
    public Func<string, bool> TrustAa { get; init; } = static _ => false;

    /// <summary>Qualify a one-component domain with the resolver's default domain (<c>qualify_single</c>; RES_DEFNAMES).</summary>
    public bool QualifySingle { get; init; }

    /// <summary>Try the resolver's search domains for a domain that is not found (<c>search_parents</c>; RES_DNSRCH).</summary>
    public bool SearchParents { get; init; }

    /// <summary>Host names that count as this host whatever their addresses (<c>hosts_treat_as_local</c>, a domain list).</summary>
    public Func<string, bool> TreatAsLocal { get; init; } = static _ => false;
}
