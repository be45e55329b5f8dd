using System.Collections.Frozen;
using Exim.Abstractions.Config;
using Exim.Host.Configuration;
using Exim.Host.Generations;
using Exim.Host.Plugins;
using Exim.Host.Transports;
using Exim.Mail.Delivery;
using Exim.Mail.Resolution;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exim.Host.Tests.Configuration;

/// <summary>
/// A loaded configuration's transports built as a generation builds them (the built-in drivers, no plugins): where the
/// drivers' option errors are found, and the built-in transports' bound options.
/// </summary>
internal static class TransportBuild
{
    public static (List<ConfigDiagnostic> Errors, FrozenDictionary<string, ConfiguredTransport> Transports) Build(ConfigLoadResult result)
    {
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var strategies = new Dictionary<StrategyKey, object>();
        var errors = new List<ConfigDiagnostic>();
        BuiltInTransports.Register(strategies, new Dictionary<StrategyKey, string>(), result.Config.Config, [], new HostCache(TimeProvider.System),
            NullLoggerFactory.Instance, errors);
        var transports = TransportBuilder.Build(result.Config, strategies, NullLoggerFactory.Instance, errors);
        return (errors, transports);
    }

    /// <summary>The errors, one per line.</summary>
    public static string Errors(ConfigLoadResult result) => string.Join("\n", Build(result).Errors);

    /// <summary>A built-in transport's options.</summary>
    public static TransportConfig Options(ConfigLoadResult result, string name)
    {
        var (errors, transports) = Build(result);
        Assert.Empty(errors);
        return ((IDeliveryTransport)transports[name].Transport).Config;
    }
}
