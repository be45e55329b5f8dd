using System.Net;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Matching;
using Exim.Abstractions.Plugins;
using Exim.Abstractions.Policy;
using Exim.Abstractions.Resolution;
using Exim.Host.Generations;
using Exim.Host.Scripting;
using Exim.Mail.Resolution;
using Exim.Mail.Smtp;
using Exim.Mail.Smtp.Policy;
using Exim.Mail.Spool;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Lifetime;

/// <summary>
/// What one generation gives its SMTP sessions: DNS through the shared cache, the client's reverse lookup and forward
/// lookups of names in host lists (null without a DNS resolver plugin), and the stage policies (the accept hook, the
/// stage scripts and plugins' policies in <c>[hooks] order</c>, with the helpers they call: the address verifier (built
/// once per generation, only when something decides, and null without routers) and the rate limiter; null when nothing
/// decides).
/// The lookups log CNAME loops and, with slow_lookup_log, slow lookups, through <c>lookupLogger</c>.
/// </summary>
internal sealed record SessionServices(
    IDnsRecordResolver? Dns,
    Func<IPAddress, CancellationToken, Task<ReverseLookupResult>>? ReverseLookup,
    Func<string, CancellationToken, Task<AddressLookup>>? ForwardLookup,
    PolicyServices? Policies)
{
    /// <summary>Makes the name lookups of one connection, or null without a DNS resolver.</summary>
    public Func<IHostNameLookups>? HostNameLookups => ReverseLookup is { } reverse ? () => new ConnectionHostNames(reverse, ForwardLookup) : null;

    /// <param name="generation">The generation whose plugins and hooks serve the sessions.</param>
    /// <param name="cache">The DNS cache shared by every generation.</param>
    /// <param name="lookupLogger">Where the lookups' lines go (CNAME loops, slow_lookup_log).</param>
    /// <param name="hookLogger">Where the hooks' and stage policies' lines go.</param>
    /// <param name="rateLimiter">Exim's ratelimit for <c>RateLimit(...)</c>, or null: a policy calling it defers.</param>
    public static SessionServices For(Generation generation, HostCache cache, ILogger lookupLogger, ILogger hookLogger,
        IRateLimiter? rateLimiter = null)
    {
        var config = generation.Config;
        var lookups = new DnsLookupSettings(config.Main.DnsCnameLoops) { Logger = lookupLogger, SlowLookupLog = config.Main.SlowLookupLog };
        var dns = GenerationRouting.Dns(generation, cache);
        Func<IPAddress, CancellationToken, Task<ReverseLookupResult>>? reverse = dns is null ? null
            : (ip, ct) => Mail.Resolution.ReverseLookup.LookupAsync(dns, ip, lookups, ct);
        Func<string, CancellationToken, Task<AddressLookup>>? forward = dns is null ? null
            : (name, ct) => Mail.Resolution.ForwardLookup.LookupAsync(dns, name, lookups, ct, qualifySingle: true);
        // The verifier is built once per generation, and only when a policy may call it: every session shares it.
        var policies = StagePolicySet.For(generation, dns, lookups, hookLogger) is { } set
            ? new PolicyServices(set, config.Routers.IsEmpty ? null : GenerationRouting.Verifier(generation, lookupLogger), rateLimiter)
            : null;
        return new SessionServices(dns, reverse, forward, policies);
    }

    /// <summary>
    /// The generation's session handler: its admission chain (the plugin's limits registered as <c>"admission"</c>, the
    /// reverse lookup, the connect policy) and the session, the same for <c>-bd</c> and <c>-bh</c>.
    /// </summary>
    /// <param name="generation">The generation.</param>
    /// <param name="settings">Its SMTP settings (<c>-bh</c> marks them as host checking).</param>
    /// <param name="spool">The spool received messages go to.</param>
    /// <param name="slots">The session slots (the daemon's survive reloads).</param>
    /// <param name="load">The load average.</param>
    /// <param name="sessionLogger">Where the session's lines go.</param>
    /// <param name="deliverNow">Immediate delivery, or null to leave messages for a queue run.</param>
    /// <param name="tracker">The daemon's running sessions, for draining on stop.</param>
    public SmtpSessionHandler CreateHandler(Generation generation, SmtpSettings settings, FileSpool spool, ISlotTable slots, ISystemLoad load,
        ILogger sessionLogger, Func<MessageRef, string?>? deliverNow = null, SessionTracker? tracker = null)
    {
        var limits = generation.Strategies.TryGet<IAdmissionStep>(StrategyKeys.Admission, out var step) ? step : null;
        return new SmtpSessionHandler(settings, spool, slots, load, TimeProvider.System, sessionLogger, HostNameLookups, limits, Policies, deliverNow, tracker);
    }
}
