using System.Net;
using Exim.Abstractions.Resolution;
using Exim.Abstractions.Routing;
using Exim.Host.Configuration;
using Exim.Host.Generations;
using Exim.Mail.Routing;
using Exim.Mail.Routing.Drivers;

namespace Exim.Host.Tests.Routing;

/// <summary>Address routers over a parsed configuration, without a generation: the built-in drivers and any given here.</summary>
internal static class TestRouters
{
    public static AddressRouter For(LoadedConfig loaded, IDnsRecordResolver? dns = null, int seed = 1, IReadOnlyDictionary<string, IRouterDriver>? extra = null)
        => RouterBuilder.Standalone(loaded, new RouterHostServices(loaded.Config.Main, dns, null, new HashSet<IPAddress>(), new Random(seed)), extra: extra);

    /// <summary>Parses <paramref name="text"/> and builds its routers: the errors of either step, one a line ("" when none).</summary>
    public static string Errors(string text, string path = "/etc/exim/exim.toml", IReadOnlyDictionary<string, IRouterDriver>? extra = null)
    {
        var parsed = TomlConfigLoader.Parse(text, path);
        if (!parsed.Succeeded) return string.Join("\n", parsed.Errors);
        var errors = new List<Abstractions.Config.ConfigDiagnostic>();
        var loaded = parsed.Config!;
        RouterBuilder.BuildStandalone(loaded, new RouterHostServices(loaded.Config.Main, null, null, new HashSet<IPAddress>(), new Random(1)),
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, extra, errors);
        return string.Join("\n", errors);
    }
}
