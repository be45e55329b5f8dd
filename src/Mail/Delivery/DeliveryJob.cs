using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Mail.Resolution;

namespace Exim.Mail.Delivery;

/// <summary>
/// What one transport run is given: the message, its transport's options, the recipients, the routed hosts (from MX
/// or not, which decides whether <c>hosts_randomize</c> may shuffle them), and whether a retry key's time has come.
/// </summary>
internal sealed record DeliveryJob(MessageContent Message, TransportConfig Transport, ImmutableArray<string> Recipients,
    ImmutableArray<HostItem> Hosts, bool HostsFromMx, Func<string, bool> RetryDue);
