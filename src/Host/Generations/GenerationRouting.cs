using Exim.Abstractions.Plugins;
using Exim.Abstractions.Resolution;
using Exim.Mail.Resolution;
using Exim.Mail.Routing;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Generations;

/// <summary>
/// Routing composed from one generation: its routers with its resolver plugins ("dns" through a host cache, "byname")
/// and its local addresses. The daemon's sessions (<see cref="Lifetime.SessionServices"/>), <c>-bt</c> and <c>-bv</c> build
/// their routers and verifiers here, so they route exactly as one another.
/// </summary>
internal static class GenerationRouting
{
    /// <summary>The generation's DNS resolver plugin behind <paramref name="cache"/>, or null without one.</summary>
    public static IDnsRecordResolver? Dns(Generation generation, HostCache cache)
        => generation.Strategies.TryGet<IDnsRecordResolver>(StrategyKeys.Dns, out var plugin) ? new CachingDnsResolver(cache, plugin) : null;

    /// <summary>A router over the generation's routers; one serves any number of addresses.</summary>
    public static AddressRouter Router(Generation generation, IDnsRecordResolver? dns, ILogger logger)
    {
        generation.Strategies.TryGet<IAddressResolver>(StrategyKeys.ByName, out var byname);
        return new AddressRouter(generation.Config, dns, generation.LocalAddresses.ToHashSet(), Random.Shared, byname, logger);
    }

    /// <summary>An address verifier over the generation's routers; one serves the whole generation.</summary>
    public static AddressVerifier Verifier(Generation generation, IDnsRecordResolver? dns, ILogger logger)
        => new(Router(generation, dns, logger), generation.Config.Main, logger);
}
