using System.Collections.Frozen;
using Exim.Abstractions.Config;
using Exim.Abstractions.Transports;
using Exim.Host.Configuration;
using Exim.Host.Plugins;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exim.Host.Tests.Transports;

/// <summary>A <c>[[transports]]</c> table as a plugin's driver sees it, for creating a plugin transport directly.</summary>
internal static class TransportDefinitions
{
    /// <summary>The table named <paramref name="name"/> with <paramref name="options"/> (each at line 3, column 1) in <paramref name="configDirectory"/>/exim.toml.</summary>
    public static TransportDefinition Of(string configDirectory, string name, params (string Key, object Value)[] options)
    {
        var table = options.ToFrozenDictionary(o => o.Key, o => new RawOption(o.Value, 3, 1), StringComparer.Ordinal);
        var config = new EximConfig
        {
            SourcePath = Path.Combine(configDirectory, "exim.toml"),
            Revision = "test",
            Main = new MainOptions { PrimaryHostname = "mx.test", QualifyDomain = "qualify.test", QualifyRecipient = "qualify.test" },
        };
        return new TransportDefinition(name, new PluginOptions(config.SourcePath, $"transports \"{name}\"", table), new MainOptionsView(config), NullLoggerFactory.Instance);
    }
}
