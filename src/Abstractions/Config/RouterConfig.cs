using System.Collections.Immutable;

namespace Exim.Abstractions.Config;

/// <summary>One <c>[[routers]]</c> table, in the order given. Routers are tried in that order.</summary>
internal sealed record RouterConfig
{
    /// <summary>The router's name, as shown by <c>-bt</c>.</summary>
    [EximOption("name")] public string Name { get; init; } = "";

    /// <summary>The driver: <c>accept</c>, <c>dnslookup</c> or <c>manualroute</c>.</summary>
    [EximOption("driver")] public string Driver { get; init; } = "";

    /// <summary>The transport for addresses this router accepts.</summary>
    [EximOption("transport")] public string? Transport { get; init; }

    /// <summary>Domains this router handles (a domain list; empty means all).</summary>
    [EximOption("domains")] public ImmutableArray<string> Domains { get; init; } = [];

    /// <summary>
    /// Local parts this router handles (empty means all): a local part list, matched caselessly: names, <c>*suffix</c>,
    /// <c>^regex</c>, <c>!</c> negation, <c>+caseful</c>, and absolute file names whose lines are items (read at load time).
    /// </summary>
    [EximOption("local_parts")] public ImmutableArray<string> LocalParts { get; init; } = [];

    /// <summary>
    /// Run this router when verifying a recipient (Exim's default true). Exim's <c>verify = false</c> (<c>no_verify</c>)
    /// clears both this and <see cref="VerifySender"/>.
    /// </summary>
    [EximOption("verify_recipient")] public bool VerifyRecipient { get; init; } = true;

    /// <summary>Run this router when verifying a sender (Exim's default true).</summary>
    [EximOption("verify_sender")] public bool VerifySender { get; init; } = true;

    /// <summary>Run this router only when verifying, never for a delivery or <c>-bt</c>.</summary>
    [EximOption("verify_only")] public bool VerifyOnly { get; init; }

    /// <summary>
    /// When verifying a recipient, an address this router accepts (or passes on) fails verification instead
    /// (<c>&lt;router&gt; router forced verify failure</c>). Exim's <c>fail_verify</c> sets this and <see cref="FailVerifySender"/>.
    /// </summary>
    [EximOption("fail_verify_recipient")] public bool FailVerifyRecipient { get; init; }

    /// <summary>As <see cref="FailVerifyRecipient"/>, when verifying a sender.</summary>
    [EximOption("fail_verify_sender")] public bool FailVerifySender { get; init; }

    /// <summary>
    /// The failure message of an address no router accepted, when this was the last router it reached and no router said
    /// why (instead of <c>Unrouteable address</c>), e.g. <c>Unknown user</c> on the last local router.
    /// </summary>
    [EximOption("cannot_route_message")] public string? CannotRouteMessage { get; init; }

    /// <summary>
    /// Hosts for the transport to try when every host the address was routed to failed temporarily, instead of the
    /// transport's own <c>fallback_hosts</c> (a host list).
    /// </summary>
    [EximOption("fallback_hosts")] public ImmutableArray<string> FallbackHosts { get; init; } = [];

    /// <summary>When false, a decline from this router ends routing.</summary>
    [EximOption("more")] public bool More { get; init; } = true;

    /// <summary>What to do when the routed host is this host: freeze, defer, fail, send, pass or reroute:&lt;domain&gt;.</summary>
    [EximOption("self", Drivers = "dnslookup,manualroute")] public string Self { get; init; } = "freeze";

    /// <summary>Target addresses to treat as nonexistent (a host list).</summary>
    [EximOption("ignore_target_hosts", Drivers = "dnslookup,manualroute")] public ImmutableArray<string> IgnoreTargetHosts { get; init; } = [];

    /// <summary>SRV services to look up before MX (empty means no SRV lookup).</summary>
    [EximOption("check_srv", Drivers = "dnslookup")] public string? CheckSrv { get; init; }

    /// <summary>Domains that must have MX records; an A-only answer counts as not found.</summary>
    [EximOption("mx_domains", Drivers = "dnslookup")] public ImmutableArray<string> MxDomains { get; init; } = [];

    /// <summary>Domains for which an MX lookup failure means "no MX".</summary>
    [EximOption("mx_fail_domains", Drivers = "dnslookup")] public ImmutableArray<string> MxFailDomains { get; init; } = [];

    /// <summary>Domains for which an SRV lookup failure means "no SRV".</summary>
    [EximOption("srv_fail_domains", Drivers = "dnslookup")] public ImmutableArray<string> SrvFailDomains { get; init; } = [];

    /// <summary>Qualify single-component names with the resolver's default domain.</summary>
    [EximOption("qualify_single", Drivers = "dnslookup")] public bool QualifySingle { get; init; } = true;

    /// <summary>Search parent domains.</summary>
    [EximOption("search_parents", Drivers = "dnslookup")] public bool SearchParents { get; init; }

    /// <summary>Suffixes to try appending when a domain is not found.</summary>
    [EximOption("widen_domains", Drivers = "dnslookup")] public ImmutableArray<string> WidenDomains { get; init; } = [];

    /// <summary>Reuse one routing result for other recipients in the same domain.</summary>
    [EximOption("same_domain_copy_routing", Drivers = "dnslookup,manualroute")] public bool SameDomainCopyRouting { get; init; }

    /// <summary>Decline when this host is an MX but not the lowest one left.</summary>
    [EximOption("check_secondary_mx", Drivers = "dnslookup")] public bool CheckSecondaryMx { get; init; }

    /// <summary>Pass to the next router instead of deferring on a DNS timeout.</summary>
    [EximOption("pass_on_timeout")] public bool PassOnTimeout { get; init; }

    /// <summary>Domains whose lookup failure defers instead of failing.</summary>
    [EximOption("fail_defer_domains", Drivers = "dnslookup")] public ImmutableArray<string> FailDeferDomains { get; init; } = [];

    /// <summary>Look up A records only.</summary>
    [EximOption("ipv4_only", Drivers = "dnslookup,manualroute")] public bool Ipv4Only { get; init; }

    /// <summary>Put IPv4 addresses before IPv6.</summary>
    [EximOption("ipv4_prefer", Drivers = "dnslookup,manualroute")] public bool Ipv4Prefer { get; init; }

    /// <summary>Domains for which DNSSEC is requested.</summary>
    [EximOption("dnssec_request_domains", Drivers = "dnslookup,manualroute")] public ImmutableArray<string> DnssecRequestDomains { get; init; } = ["*"];

    /// <summary>Domains for which DNSSEC-authenticated answers are required.</summary>
    [EximOption("dnssec_require_domains", Drivers = "dnslookup,manualroute")] public ImmutableArray<string> DnssecRequireDomains { get; init; } = [];

    /// <summary>Allow MX records that name IP addresses.</summary>
    [EximOption("allow_mx_to_ip", Drivers = "dnslookup")] public bool AllowMxToIp { get; init; }

    /// <summary>
    /// Rewrite header addresses when the resolver expands the domain. Exim's default is true; it is not implemented here, so
    /// the default is false and <c>true</c> is refused at load time.
    /// </summary>
    [EximOption("rewrite_headers", Drivers = "dnslookup")] public bool RewriteHeaders { get; init; }

    /// <summary>manualroute: <c>domain-pattern host-list [options]</c> items.</summary>
    [EximOption("route_list", Drivers = "manualroute")] public ImmutableArray<string> RouteList { get; init; } = [];

    /// <summary>manualroute: hosts when no route_list item names any.</summary>
    [EximOption("route_data", Drivers = "manualroute")] public string? RouteData { get; init; }

    /// <summary>manualroute: what to do when a host is not found.</summary>
    [EximOption("host_find_failed", Drivers = "manualroute")] public string HostFindFailed { get; init; } = "freeze";

    /// <summary>manualroute: what to do when every host was ignored.</summary>
    [EximOption("host_all_ignored", Drivers = "manualroute")] public string HostAllIgnored { get; init; } = "defer";

    /// <summary>manualroute: shuffle the host list.</summary>
    [EximOption("hosts_randomize", Drivers = "manualroute")] public bool HostsRandomize { get; init; }
}
