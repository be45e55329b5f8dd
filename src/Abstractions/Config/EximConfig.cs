using System.Collections.Immutable;

namespace Exim.Abstractions.Config;

/// <summary>One complete, validated configuration snapshot. Never changes; a reload builds a new one.</summary>
internal sealed class EximConfig
{
    /// <summary>The absolute path of the file this was read from.</summary>
    public required string SourcePath { get; init; }

    /// <summary>A short content hash of the file and of the list files it names, which changes whenever any of their text does.</summary>
    public required string Revision { get; init; }

    /// <summary>The main (top-level) options.</summary>
    public required MainOptions Main { get; init; }

    /// <summary>The routers, in order.</summary>
    public ImmutableArray<RouterConfig> Routers { get; init; } = [];

    /// <summary>The transports.</summary>
    public ImmutableArray<TransportConfig> Transports { get; init; } = [];

    /// <summary>The retry rules, in order.</summary>
    public ImmutableArray<RetryConfig> Retry { get; init; } = [];

    /// <summary>The declared plugins, in file order.</summary>
    public ImmutableArray<PluginDeclaration> Plugins { get; init; } = [];

    /// <summary>The <c>[hooks]</c> table: the accept and child-exit scripts.</summary>
    public HooksConfig Hooks { get; init; } = new();

    /// <summary>
    /// The lines of each file a list names (an absolute file name item, such as <c>/etc/exim/users</c> in a router's
    /// <c>local_parts</c>), keyed by that name and read when this configuration was loaded: like the rest of the snapshot
    /// they never change, and a reload reads them again.
    /// </summary>
    public IReadOnlyDictionary<string, ImmutableArray<string>> ListFiles { get; init; } = ImmutableDictionary<string, ImmutableArray<string>>.Empty;

    /// <summary>The directory holding <see cref="SourcePath"/>; relative paths in the file are resolved against it.</summary>
    public string ConfigDirectory => Path.GetDirectoryName(SourcePath) ?? ".";

    /// <summary>This snapshot with other main options (the daemon's own adjustments, such as the session limit the file descriptors allow).</summary>
    public EximConfig WithMain(MainOptions main) => new()
    {
        SourcePath = SourcePath,
        Revision = Revision,
        Main = main,
        Routers = Routers,
        Transports = Transports,
        Retry = Retry,
        Plugins = Plugins,
        Hooks = Hooks,
        ListFiles = ListFiles,
    };
}
