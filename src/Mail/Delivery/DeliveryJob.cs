using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Mail.Resolution;

namespace Exim.Mail.Delivery;

/// <summary>
/// What one transport run is given: the message, its transport's options, the recipients, the routed hosts (from MX
/// or not, which decides whether <c>hosts_randomize</c> may shuffle them), and whether a retry key's time has come.
/// </summary>
internal sealed record DeliveryJob(MessageContent Message, TransportConfig Transport, ImmutableArray<string> Recipients,
    ImmutableArray<HostItem> Hosts, bool HostsFromMx, Func<string, bool> RetryDue)
{
    /// <summary>The routing router's <c>fallback_hosts</c>, used instead of the transport's.</summary>
    public ImmutableArray<string> RouterFallbackHosts { get; init; } = [];

    /// <summary>This host was one of the domain's MX hosts and was cut from the list (the transport's fallback hosts do not apply).</summary>
    public bool LocalHostRemoved { get; init; }
}
