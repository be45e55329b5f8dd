using System.Net;
using Exim.Abstractions.Resolution;
using Exim.Host.Generations;
using Exim.Host.Scripting;
using Exim.Mail.Resolution;
using Exim.Mail.Smtp;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Lifetime;

/// <summary>What one generation gives its SMTP sessions: DNS through the shared cache, the client reverse lookup, the accept hook.</summary>
internal sealed record SessionServices(
    IDnsRecordResolver? Dns,
    Func<IPAddress, CancellationToken, Task<ReverseLookupResult>>? ReverseLookup,
    IConnectionPolicy? Policy)
{
    public static SessionServices For(Generation generation, HostCache cache, ILogger hookLogger)
    {
        var config = generation.Config;
        var dns = generation.Strategies.TryGet<IDnsRecordResolver>("dns", out var plugin) ? new CachingDnsResolver(cache, plugin) : null;
        Func<IPAddress, CancellationToken, Task<ReverseLookupResult>>? reverse = dns is null
            ? null
            : (ip, ct) => Mail.Resolution.ReverseLookup.LookupAsync(dns, ip, config.Main.DnsCnameLoops, ct);
        var hooks = generation.Hooks;
        var policy = hooks.Accept is { } accept ? new AcceptHook(accept, hooks.Timeout, config, dns, hookLogger) : null;
        return new SessionServices(dns, reverse, policy);
    }
}
