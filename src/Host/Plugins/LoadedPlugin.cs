using System.Runtime.Loader;
using Exim.Abstractions.Plugins;

namespace Exim.Host.Plugins;

/// <summary>One plugin instance in its own load context, owned by one generation.</summary>
internal sealed class LoadedPlugin(string name, string assemblyPath, string assemblyName, string version, string contentHash,
    AssemblyLoadContext context, IEximPlugin instance, PluginRegistrar registrar)
{
    public string Name { get; } = name;
    public string AssemblyPath { get; } = assemblyPath;
    public string AssemblyName { get; } = assemblyName;
    public string Version { get; } = version;

    /// <summary>SHA-256 of the assembly file as loaded, to tell a real change from a touch.</summary>
    public string ContentHash { get; } = contentHash;

    /// <summary>The plugin's load context: collectible unless the plugin was loaded for good (see PluginCatalog.Load).</summary>
    public AssemblyLoadContext LoadContext { get; } = context;

    public IReadOnlyDictionary<StrategyKey, object> Strategies => registrar.Strategies;

    /// <summary>
    /// Disposes the plugin instance and unloads its load context; returns a handle to check it was collected, or null
    /// when the context is not collectible (its code stays loaded until the process ends).
    /// </summary>
    public async ValueTask<WeakReference<AssemblyLoadContext>?> UnloadAsync()
    {
        try
        {
            switch (instance)
            {
                case IAsyncDisposable asyncDisposable: await asyncDisposable.DisposeAsync().ConfigureAwait(false); break;
                case IDisposable disposable: disposable.Dispose(); break;
            }
        }
        finally
        {
            if (LoadContext.IsCollectible) LoadContext.Unload();
        }
        return LoadContext.IsCollectible ? new WeakReference<AssemblyLoadContext>(LoadContext) : null;
    }
}
