using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Mail.Resolution;

namespace Exim.Mail.Delivery;

/// <summary>
/// What one run of a built-in transport is given: the message (written with the transport's generic options), its
/// transport's options, the recipients, the routed hosts (from MX or not, which decides whether <c>hosts_randomize</c>
/// may shuffle them), whether a retry key's time has come, and the delivering process's services.
/// </summary>
internal sealed record DeliveryJob(SpoolDeliveryMessage Message, TransportConfig Transport, ImmutableArray<string> Recipients,
    ImmutableArray<HostItem> Hosts, bool HostsFromMx, Func<string, bool> RetryDue)
{
    /// <summary>The routing router's <c>fallback_hosts</c>, used instead of the transport's.</summary>
    public ImmutableArray<string> RouterFallbackHosts { get; init; } = [];

    /// <summary>This host was one of the domain's MX hosts and was cut from the list (the transport's fallback hosts do not apply).</summary>
    public bool LocalHostRemoved { get; init; }

    /// <summary>The delivering process's host lookups and connection pool; null uses the transport's own (no pool).</summary>
    public DeliveryServices? Services { get; init; }
}
