using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using System.Security.Cryptography;
using Exim.Abstractions.Config;
using Exim.Abstractions.Plugins;
using Exim.Host.Configuration;
using McMaster.NETCore.Plugins.Loader;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Plugins;

/// <summary>
/// Loads plugin assemblies. The only user of McMaster.NETCore.Plugins: each plugin gets a load context of its own that
/// asks the host first for every assembly (so Exim.Abstractions, MimeKit and the logging abstractions are the host's,
/// unified lazily at their first use) and resolves the rest (DnsClient for the dns resolver, native libraries) through
/// the plugin's own .deps.json and directory. Its hot reload is not used: it misses renames, unloads before the
/// replacement is validated and forces a full GC on every change (see FileChangeWatcher for ours).
/// </summary>
internal static class PluginCatalog
{
    /// <param name="section">The plugin's table in the configuration.</param>
    /// <param name="config">The configuration the plugin is loaded for.</param>
    /// <param name="loggerFactory">The plugin's loggers.</param>
    /// <param name="collectible">
    /// Whether the plugin's context can be unloaded. A collectible context runs JIT-compiled code only (the runtime
    /// ignores ReadyToRun code there, dotnet/runtime#40704), so a plugin that will never be swapped out is loaded into a
    /// context that is not (see GenerationBuilder.KeepFirstPlugins).
    /// </param>
    public static PluginLoadResult Load(PluginSection section, EximConfig config, ILoggerFactory loggerFactory, bool collectible = true)
    {
        var path = section.AssemblyPath;
        if (!File.Exists(path)) return Fail($"plugin \"{section.Name}\": assembly {path} does not exist");

        string hash;
        try
        {
            hash = HashFile(path);
            // Before anything is loaded: a plugin built against a contract this host does not provide is refused by name.
            if (ContractVersion.Check(section.Name, path, ContractVersion.Host) is { } incompatible) return Fail(incompatible);
        }
        catch (IOException e)
        {
            return Fail($"plugin \"{section.Name}\": cannot read {path}: {e.Message}");
        }

        AssemblyLoadContext? context = null;
        try
        {
            context = NewContext(path, collectible);
            var assembly = LoadMainAssembly(context, path);
            var entryTypes = assembly.GetExportedTypes()
                .Where(t => typeof(IEximPlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
                .ToList();
            if (entryTypes.Count != 1)
            {
                Unload(context);
                return Fail($"plugin \"{section.Name}\": {path} must export exactly one public IEximPlugin class, found {entryTypes.Count}");
            }
            var instance = (IEximPlugin)Activator.CreateInstance(entryTypes[0])!;
            var registrar = new PluginRegistrar();
            var options = new PluginOptions(section);
            instance.Register(registrar, new PluginContext(section.Name, options, new MainOptionsView(config), loggerFactory));

            var unknown = options.UnreadKeys.Select(k => options.Position(k, $"unknown option \"{k}\" in [plugins.{section.Name}]")).ToImmutableArray();
            if (!unknown.IsEmpty)
            {
                Unload(context);
                return new PluginLoadResult(null, unknown);
            }
            var name = assembly.GetName();
            var version = (assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? name.Version?.ToString() ?? "0").Split('+')[0];
            return new PluginLoadResult(new LoadedPlugin(section.Name, path, name.Name ?? "", version, hash, context, instance, registrar), []);
        }
        catch (EximConfigException e)
        {
            Unload(context);
            return new PluginLoadResult(null, [e.Diagnostic]);
        }
        catch (Exception e)
        {
            // A bad plugin file or a plugin that throws must never take the core down: it is a config error.
            Unload(context);
            var inner = e is TargetInvocationException { InnerException: { } ie } ? ie : e;
            return Fail($"plugin \"{section.Name}\": cannot load {path}: {inner.GetType().Name}: {inner.Message}");
        }

        PluginLoadResult Fail(string message) => new(null, [new ConfigDiagnostic(section.ConfigPath, 0, 0, message)]);
    }

    public static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// The context McMaster's PluginLoader builds with PreferSharedTypes (and LoadInMemory when collectible), without the
    /// rest of what it does for every plugin: it reads the host's and the plugin's runtimeconfig.json (and .dev.json) with
    /// reflection-based System.Text.Json for additional probing paths that neither has (18-25 ms of JIT at start-up,
    /// issue 14), and it walks the reference graph of each shared type's assembly, which PreferSharedTypes makes moot (the
    /// host is asked first for every assembly anyway). What matters is kept: the plugin's .deps.json (the context's
    /// AssemblyDependencyResolver) and its directory for private dependencies, and native libraries.
    /// A collectible context reads its assemblies into memory (and shadow-copies native libraries), so the files can be
    /// overwritten while loaded. One that is not maps them from their files instead: the runtime runs ReadyToRun code
    /// only from an image mapped from its file, not from one read into memory (measured on .NET 10: 122 plugin methods
    /// JIT-compiled at the daemon's start read into memory, none mapped).
    /// </summary>
    private static AssemblyLoadContext NewContext(string path, bool collectible)
    {
        var builder = new AssemblyLoadContextBuilder()
            .SetMainAssemblyPath(path)
            .PreferDefaultLoadContext(true);
        if (collectible) builder.EnableUnloading().PreloadAssembliesIntoMemory().ShadowCopyNativeLibraries();
        return builder.Build();
    }

    /// <summary>The plugin's assembly: mapped from its file, or read into memory with its symbols beside it (as PluginLoader does).</summary>
    private static Assembly LoadMainAssembly(AssemblyLoadContext context, string path)
    {
        if (!context.IsCollectible) return context.LoadFromAssemblyPath(path);
        using var image = File.Open(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var symbolsPath = Path.ChangeExtension(path, ".pdb");
        if (!File.Exists(symbolsPath)) return context.LoadFromStream(image);
        using var symbols = File.Open(symbolsPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        return context.LoadFromStream(image, symbols);
    }

    private static void Unload(AssemblyLoadContext? context)
    {
        if (context is { IsCollectible: true }) context.Unload();
    }
}
