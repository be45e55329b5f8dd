using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Host.Configuration;
using Exim.Host.Plugins;
using Exim.Host.Scripting;

namespace Exim.Host.Generations;

/// <summary>
/// One complete, validated set of configuration snapshot and loaded plugins. Work takes a lease on the
/// generation it started with and finishes on it; the generation is disposed once it has been replaced and
/// the last lease is returned.
/// </summary>
internal sealed class Generation
{
    private readonly TaskCompletionSource _superseded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _references = 1; // the store's own reference, returned when the generation is replaced

    public Generation(long number, LoadedConfig loaded, ImmutableArray<LoadedPlugin> plugins, StrategyRegistry strategies,
        ImmutableArray<System.Net.IPAddress> localAddresses, HookSet? hooks = null)
    {
        Hooks = hooks ?? HookSet.Empty;
        Number = number;
        Loaded = loaded;
        Plugins = plugins;
        Strategies = strategies;
        LocalAddresses = localAddresses;
    }

    public long Number { get; }

    /// <summary>When the generation was built (its plugins loaded and scripts compiled).</summary>
    public DateTimeOffset Built { get; } = DateTimeOffset.UtcNow;
    public LoadedConfig Loaded { get; }
    public EximConfig Config => Loaded.Config;
    public ImmutableArray<LoadedPlugin> Plugins { get; }
    public StrategyRegistry Strategies { get; }

    /// <summary>The server's TLS certificates and settings, read and checked when the generation was built; null without tls_certificate.</summary>
    public Mail.Smtp.Tls.TlsServerCredentials? Tls { get; init; }

    /// <summary>The generation's authenticators, created by their drivers when it was built.</summary>
    public ImmutableArray<Mail.Smtp.Auth.Authenticator> Authenticators { get; init; } = [];

    /// <summary>The generation's transports by name, created by their drivers (built in or a plugin's) when it was built.</summary>
    public System.Collections.Frozen.FrozenDictionary<string, Mail.Delivery.ConfiguredTransport> Transports { get; init; }
        = System.Collections.Frozen.FrozenDictionary<string, Mail.Delivery.ConfiguredTransport>.Empty;

    /// <summary>The generation's routers, in order, created by their drivers when it was built.</summary>
    public ImmutableArray<Mail.Routing.ConfiguredRouter> Routers { get; init; } = [];

    /// <summary>The generation's hook scripts, compiled when it was built.</summary>
    public HookSet Hooks { get; }

    /// <summary>This host's addresses (local_interfaces with wildcards expanded, plus extra_local_interfaces).</summary>
    public ImmutableArray<System.Net.IPAddress> LocalAddresses { get; }

    /// <summary>Completes when a newer generation has been published.</summary>
    public Task Superseded => _superseded.Task;

    /// <summary>Completes when the generation has been replaced and every lease returned.</summary>
    public Task Drained => _drained.Task;

    public int References => Volatile.Read(ref _references);

    /// <summary>Adds a reference unless the generation has already drained.</summary>
    public bool TryAddReference()
    {
        var current = Volatile.Read(ref _references);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current) return true;
            current = seen;
        }
        return false;
    }

    /// <summary>The load average: a plugin's <see cref="Abstractions.Daemon.ISystemLoad"/> registered as <see cref="Abstractions.Plugins.StrategyKeys.SystemLoad"/>, else <paramref name="fallback"/>.</summary>
    public Abstractions.Daemon.ISystemLoad SystemLoad(Abstractions.Daemon.ISystemLoad fallback)
        => Strategies.TryGet<Abstractions.Daemon.ISystemLoad>(Abstractions.Plugins.StrategyKeys.SystemLoad, out var plugin) ? plugin : fallback;

    /// <summary>A lease on this generation, or null when it has already drained.</summary>
    public GenerationLease? TryLease() => TryAddReference() ? new GenerationLease(this) : null;

    public void Release()
    {
        var left = Interlocked.Decrement(ref _references);
        if (left == 0) _drained.TrySetResult();
        else if (left < 0) throw new InvalidOperationException($"generation {Number} released more often than acquired");
    }

    internal void MarkSuperseded() => _superseded.TrySetResult();

    /// <summary>Unloads the plugins of a generation that was built but never published.</summary>
    internal async Task DiscardAsync()
    {
        foreach (var plugin in Plugins) await plugin.UnloadAsync().ConfigureAwait(false);
        foreach (var _ in Hooks.Unload()) { }
    }

    public string Describe()
    {
        var plugins = Plugins.IsEmpty ? "no plugins" : "plugins " + string.Join(", ", Plugins.Select(p => $"{p.Name}={p.AssemblyName} {p.Version}"));
        var hooks = Hooks.Paths().ToList();
        return hooks.Count == 0 ? plugins : $"{plugins}; hooks {string.Join(", ", hooks)}";
    }
}
