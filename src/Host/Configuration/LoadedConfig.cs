using System.Collections.Immutable;
using Exim.Abstractions.Config;

namespace Exim.Host.Configuration;

/// <summary>
/// A validated configuration: the public snapshot plus what only the core needs (plugin option tables, and where
/// <c>[hooks] order</c> is written, for errors found once the plugins are loaded).
/// </summary>
internal sealed record LoadedConfig(EximConfig Config, ImmutableArray<PluginSection> PluginSections)
{
    /// <summary>The <c>[[authenticators]]</c> tables, built by their drivers with the generation.</summary>
    public ImmutableArray<AuthenticatorSection> Authenticators { get; init; } = [];

    /// <summary>The <c>[[transports]]</c> tables, built by their drivers with the generation.</summary>
    public ImmutableArray<TransportSection> Transports { get; init; } = [];

    /// <summary>The <c>[[routers]]</c> tables, in order, built by their drivers with the generation.</summary>
    public ImmutableArray<RouterSection> Routers { get; init; } = [];

    /// <summary>A diagnostic at <c>[hooks] order</c> (or the file, when it is not written) with <paramref name="message"/>.</summary>
    public Func<string, ConfigDiagnostic> AtHooksOrder { get; init; } = message => new ConfigDiagnostic(Config.SourcePath, 0, 0, message);

    /// <summary>A diagnostic at the main option named first (or the file, when it is not written) with the message second.</summary>
    public Func<string, string, ConfigDiagnostic> AtMainOption { get; init; } = (_, message) => new ConfigDiagnostic(Config.SourcePath, 0, 0, message);
}
