using System.Collections.Immutable;
using System.Reflection;
using System.Security.Cryptography;
using Exim.Abstractions.Config;
using Exim.Abstractions.Plugins;
using Exim.Host.Configuration;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Plugins;

/// <summary>
/// Loads plugin assemblies. The only user of McMaster.NETCore.Plugins: each plugin gets a collectible load
/// context, loaded from memory (so the file can be replaced while loaded), sharing only Exim.Abstractions (and so
/// MimeKit, which it exposes) and the logging abstractions with the core. Its own hot reload is not used: it misses renames, unloads before the
/// replacement is validated and forces a full GC on every change (see FileChangeWatcher for ours).
/// </summary>
internal static class PluginCatalog
{
    // Exim.Abstractions (and MimeKit, whose HeaderList the data stage hands to policies) are not listed: sharing a type
    // makes McMaster load its assembly's whole reference graph at once, and MimeKit's is large (68 more descriptors and
    // 11 MB more RSS in every exim process). PreferSharedTypes unifies them lazily instead: a plugin's context asks the
    // host first, at its first use of the assembly.
    private static readonly Type[] SharedTypes = [typeof(ILogger), typeof(ILoggerFactory)];

    public static PluginLoadResult Load(PluginSection section, EximConfig config, ILoggerFactory loggerFactory)
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

        PluginLoader? loader = null;
        try
        {
            loader = PluginLoader.CreateFromAssemblyFile(path, isUnloadable: true, SharedTypes, c => (c.LoadInMemory, c.PreferSharedTypes) = (true, true));
            var assembly = loader.LoadDefaultAssembly();
            var entryTypes = assembly.GetExportedTypes()
                .Where(t => typeof(IEximPlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
                .ToList();
            if (entryTypes.Count != 1)
            {
                loader.Dispose();
                return Fail($"plugin \"{section.Name}\": {path} must export exactly one public IEximPlugin class, found {entryTypes.Count}");
            }
            var instance = (IEximPlugin)Activator.CreateInstance(entryTypes[0])!;
            var registrar = new PluginRegistrar();
            var options = new PluginOptions(section);
            instance.Register(registrar, new PluginContext(section.Name, options, new MainOptionsView(config), loggerFactory));

            var unknown = options.UnreadKeys.Select(k => options.Position(k, $"unknown option \"{k}\" in [plugins.{section.Name}]")).ToImmutableArray();
            if (!unknown.IsEmpty)
            {
                loader.Dispose();
                return new PluginLoadResult(null, unknown);
            }
            var name = assembly.GetName();
            var version = (assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? name.Version?.ToString() ?? "0").Split('+')[0];
            return new PluginLoadResult(new LoadedPlugin(section.Name, path, name.Name ?? "", version, hash, loader, instance, registrar), []);
        }
        catch (EximConfigException e)
        {
            loader?.Dispose();
            return new PluginLoadResult(null, [e.Diagnostic]);
        }
        catch (Exception e)
        {
            // A bad plugin file or a plugin that throws must never take the core down: it is a config error.
            loader?.Dispose();
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
}
