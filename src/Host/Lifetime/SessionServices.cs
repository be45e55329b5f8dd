using System.Net;
using Exim.Abstractions.Matching;
using Exim.Abstractions.Policy;
using Exim.Abstractions.Resolution;
using Exim.Host.Generations;
using Exim.Host.Scripting;
using Exim.Mail.Resolution;
using Exim.Mail.Smtp;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Lifetime;

/// <summary>
/// What one generation gives its SMTP sessions: DNS through the shared cache, the client's reverse lookup and forward
/// lookups of names in host lists (null without a DNS resolver plugin), the accept hook (null without one), and the
/// address verifier (null without routers). The
/// lookups log CNAME loops and, with slow_lookup_log, slow lookups, through <c>hookLogger</c>.
/// </summary>
internal sealed record SessionServices(
    IDnsRecordResolver? Dns,
    Func<IPAddress, CancellationToken, Task<ReverseLookupResult>>? ReverseLookup,
    Func<string, CancellationToken, Task<AddressLookup>>? ForwardLookup,
    IConnectionPolicy? Policy)
{
    /// <summary>
    /// Verifies recipients and senders (Exim's <c>verify = recipient</c> / <c>verify = sender</c>) with the generation's
    /// routers, resolvers and the shared DNS cache. Built once per generation: every session and every check of the
    /// generation shares it. Null when the configuration has no routers (then nothing is routable, and the daemon keeps
    /// messages queued rather than failing them).
    /// </summary>
    public IAddressVerifier? Verifier { get; init; }

    /// <summary>Makes the name lookups of one connection, or null without a DNS resolver.</summary>
    public Func<IHostNameLookups>? HostNameLookups => ReverseLookup is { } reverse ? () => new ConnectionHostNames(reverse, ForwardLookup) : null;

    /// <param name="generation">The generation whose plugins and hooks serve the sessions.</param>
    /// <param name="cache">The DNS cache shared by every generation.</param>
    /// <param name="lookupLogger">Where the lookups' lines go (CNAME loops, slow_lookup_log).</param>
    /// <param name="hookLogger">Where the accept hook's lines go.</param>
    public static SessionServices For(Generation generation, HostCache cache, ILogger lookupLogger, ILogger hookLogger)
    {
        var config = generation.Config;
        var lookups = new DnsLookupSettings(config.Main.DnsCnameLoops) { Logger = lookupLogger, SlowLookupLog = config.Main.SlowLookupLog };
        var dns = GenerationRouting.Dns(generation, cache);
        Func<IPAddress, CancellationToken, Task<ReverseLookupResult>>? reverse = dns is null ? null
            : (ip, ct) => Mail.Resolution.ReverseLookup.LookupAsync(dns, ip, lookups, ct);
        Func<string, CancellationToken, Task<AddressLookup>>? forward = dns is null ? null
            : (name, ct) => Mail.Resolution.ForwardLookup.LookupAsync(dns, name, lookups, ct, qualifySingle: true);
        var hooks = generation.Hooks;
        var policy = hooks.Accept is { } accept ? new AcceptHook(accept, hooks.Timeout, config, dns, lookups, hookLogger) : null;
        var verifier = config.Routers.IsEmpty ? null : GenerationRouting.Verifier(generation, dns, lookupLogger);
        return new SessionServices(dns, reverse, forward, policy) { Verifier = verifier };
    }
}
