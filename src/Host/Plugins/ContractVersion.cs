using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Exim.Abstractions.Plugins;

namespace Exim.Host.Plugins;

/// <summary>
/// Which versions of the plugin contract (Exim.Abstractions) this host can load. The contract is semantic: a plugin
/// built against major.minor needs the same major and a minor no higher than the host's. The assembly version of
/// Exim.Abstractions carries major.minor, so a plugin's assembly reference says what it was built against; it is read
/// from the file's metadata, before anything is loaded (a mismatch would otherwise surface later as a
/// MissingMethodException or a TypeLoadException in the middle of a session).
/// </summary>
internal static class ContractVersion
{
    public const string AssemblyName = "Exim.Abstractions";

    private static readonly Assembly Contract = typeof(IEximPlugin).Assembly;

    /// <summary>The contract this host provides, as major.minor.</summary>
    public static Version Host { get; } = Contract.GetName().Version is { } v ? new Version(v.Major, v.Minor) : new Version(0, 0);

    /// <summary>The full semantic version of the host's contract (the package's version).</summary>
    public static string HostDisplay { get; } =
        (Contract.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? Host.ToString()).Split('+')[0];

    public static bool IsCompatible(Version builtAgainst, Version host) => builtAgainst.Major == host.Major && builtAgainst.Minor <= host.Minor;

    /// <summary>The range of contract versions this host loads, e.g. "1.0–1.3".</summary>
    public static string CompatibleRange(Version host) => $"{host.Major}.0–{host.Major}.{host.Minor}";

    /// <summary>
    /// The Exim.Abstractions version the assembly at <paramref name="path"/> references (major.minor), or null when it
    /// references none or is no .NET assembly at all (the loader then says what is wrong with it).
    /// </summary>
    public static Version? ReferencedBy(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var pe = new PEReader(stream);
        MetadataReader metadata;
        try
        {
            if (!pe.HasMetadata) return null;
            metadata = pe.GetMetadataReader();
        }
        catch (BadImageFormatException)
        {
            return null;
        }
        foreach (var handle in metadata.AssemblyReferences)
        {
            var reference = metadata.GetAssemblyReference(handle);
            if (metadata.StringComparer.Equals(reference.Name, AssemblyName)) return new Version(reference.Version.Major, reference.Version.Minor);
        }
        return null;
    }

    /// <summary>Null when the plugin at <paramref name="path"/> can be loaded by a host providing <paramref name="host"/>; else why not.</summary>
    public static string? Check(string pluginName, string path, Version host)
    {
        var builtAgainst = ReferencedBy(path);
        if (builtAgainst is null || IsCompatible(builtAgainst, host)) return null;
        return $"plugin \"{pluginName}\": {path} was built against {AssemblyName} {builtAgainst.Major}.{builtAgainst.Minor} "
            + $"but this host provides {host.Major}.{host.Minor} (compatible: {CompatibleRange(host)})";
    }
}
