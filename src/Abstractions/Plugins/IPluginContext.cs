using Exim.Abstractions.Matching;
using Microsoft.Extensions.Logging;

namespace Exim.Abstractions.Plugins;

/// <summary>What a plugin sees while it registers.</summary>
public interface IPluginContext
{
    /// <summary>The name of the plugin's table, e.g. <c>dns-resolver</c> for <c>[plugins.dns-resolver]</c>.</summary>
    string Name { get; }

    /// <summary>The plugin's own keys from its table (everything except <c>assembly</c>).</summary>
    IPluginOptions Options { get; }

    /// <summary>
    /// The main options of the generation being built, read-only, by Exim's option names (relative paths in the plugin's
    /// own options resolve against its <see cref="IMainOptionsView.ConfigDirectory"/>).
    /// </summary>
    IMainOptionsView Main { get; }

    /// <summary>The host's host-list matching: compiles Exim host lists (from <see cref="Main"/> or the plugin's own options).</summary>
    IHostListFactory HostLists { get; }

    /// <summary>Creates loggers that write to Exim's main, panic and reject logs.</summary>
    ILoggerFactory LoggerFactory { get; }
}
