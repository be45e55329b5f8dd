using System.Collections.Immutable;

namespace Exim.Abstractions.Config;

/// <summary>
/// One <c>[[routers]]</c> table's generic options (Exim's "generic options for routers"), in the order given. Routers are
/// tried in that order. Every other key of the table belongs to the driver, which reads it when the generation is built.
/// </summary>
internal sealed record RouterConfig
{
    /// <summary>The router's name, as shown by <c>-bt</c>.</summary>
    [EximOption("name")] public string Name { get; init; } = "";

    /// <summary>The driver: a router driver registered under this name (built in: <c>accept</c>, <c>dnslookup</c>, <c>manualroute</c>).</summary>
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

    /// <summary>
    /// What a router that finds hosts does when the most preferred one is this host: freeze, defer, fail, send, pass or
    /// reroute:&lt;domain&gt; (a generic option, read by the drivers that find hosts).
    /// </summary>
    [EximOption("self")] public string Self { get; init; } = "freeze";

    /// <summary>Target addresses to treat as nonexistent (a host list; generic, read by the drivers that find hosts).</summary>
    [EximOption("ignore_target_hosts")] public ImmutableArray<string> IgnoreTargetHosts { get; init; } = [];

    /// <summary>Pass to the next router instead of deferring on a DNS timeout (generic, read by the drivers that look hosts up).</summary>
    [EximOption("pass_on_timeout")] public bool PassOnTimeout { get; init; }

    /// <summary>Domains for which DNSSEC is requested (generic, read by the drivers that look hosts up).</summary>
    [EximOption("dnssec_request_domains")] public ImmutableArray<string> DnssecRequestDomains { get; init; } = ["*"];

    /// <summary>Domains for which DNSSEC-authenticated answers are required (generic, read by the drivers that look hosts up).</summary>
    [EximOption("dnssec_require_domains")] public ImmutableArray<string> DnssecRequireDomains { get; init; } = [];
}
