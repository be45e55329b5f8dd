using System.Collections.Immutable;
using Exim.Abstractions.Config;

namespace Exim.Host.Plugins;

/// <summary>A loaded plugin, or the errors that stopped it loading.</summary>
internal sealed record PluginLoadResult(LoadedPlugin? Plugin, ImmutableArray<ConfigDiagnostic> Errors);
