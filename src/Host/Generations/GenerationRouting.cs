using Exim.Abstractions.Plugins;
using Exim.Abstractions.Resolution;
using Exim.Mail.Resolution;
using Exim.Mail.Routing;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Generations;

/// <summary>
/// Routing composed from one generation: its routers, built by their drivers with the generation (the built-in ones look
/// hosts up through the generation's resolver plugins behind the process's DNS cache). The daemon's sessions
/// (<see cref="Lifetime.SessionServices"/>), <c>-bt</c>, <c>-bv</c> and deliveries route here, so they route exactly as one another.
/// </summary>
internal static class GenerationRouting
{
    /// <summary>The generation's DNS resolver plugin behind <paramref name="cache"/>, or null without one.</summary>
    public static IDnsRecordResolver? Dns(Generation generation, HostCache cache)
        => generation.Strategies.TryGet<IDnsRecordResolver>(StrategyKeys.Dns, out var plugin) ? new CachingDnsResolver(cache, plugin) : null;

    /// <summary>A router over the generation's routers; one serves any number of addresses.</summary>
    public static AddressRouter Router(Generation generation, ILogger logger) => new(generation.Config, generation.Routers, logger);

    /// <summary>An address verifier over the generation's routers; one serves the whole generation.</summary>
    public static AddressVerifier Verifier(Generation generation, ILogger logger)
        => new(Router(generation, logger), generation.Config.Main, logger);
}
