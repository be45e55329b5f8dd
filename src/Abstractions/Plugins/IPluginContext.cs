using Exim.Abstractions.Config;
using Microsoft.Extensions.Logging;

namespace Exim.Abstractions.Plugins;

/// <summary>What a plugin sees while it registers.</summary>
public interface IPluginContext
{
    /// <summary>The name of the plugin's table, e.g. <c>dns-resolver</c> for <c>[plugins.dns-resolver]</c>.</summary>
    string Name { get; }

    /// <summary>The plugin's own keys from its table (everything except <c>assembly</c>).</summary>
    IPluginOptions Options { get; }

    /// <summary>The validated configuration snapshot of the generation being built.</summary>
    EximConfig Config { get; }

    /// <summary>Creates loggers that write to Exim's main, panic and reject logs.</summary>
    ILoggerFactory LoggerFactory { get; }
}
