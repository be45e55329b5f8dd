using System.Runtime.Loader;
using Exim.Abstractions.Plugins;
using McMaster.NETCore.Plugins;

namespace Exim.Host.Plugins;

/// <summary>One plugin instance in its own collectible load context, owned by one generation.</summary>
internal sealed class LoadedPlugin(string name, string assemblyPath, string assemblyName, string version, string contentHash,
    PluginLoader loader, IEximPlugin instance, PluginRegistrar registrar)
{
    public string Name { get; } = name;
    public string AssemblyPath { get; } = assemblyPath;
    public string AssemblyName { get; } = assemblyName;
    public string Version { get; } = version;

    /// <summary>SHA-256 of the assembly file as loaded, to tell a real change from a touch.</summary>
    public string ContentHash { get; } = contentHash;

    public IReadOnlyDictionary<StrategyKey, object> Strategies => registrar.Strategies;

    /// <summary>Disposes the plugin instance and unloads its load context; returns a handle to check it was collected.</summary>
    public async ValueTask<WeakReference<AssemblyLoadContext>> UnloadAsync()
    {
        var context = new WeakReference<AssemblyLoadContext>(loader.LoadContext);
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
            loader.Dispose();
        }
        return context;
    }
}
