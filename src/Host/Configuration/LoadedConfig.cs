using System.Collections.Immutable;
using Exim.Abstractions.Config;

namespace Exim.Host.Configuration;

/// <summary>A validated configuration: the public snapshot plus what only the core needs (plugin option tables).</summary>
internal sealed record LoadedConfig(EximConfig Config, ImmutableArray<PluginSection> PluginSections);
