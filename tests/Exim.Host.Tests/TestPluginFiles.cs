using Exim.TestKit;

namespace Exim.Host.Tests;

/// <summary>The built test plugin variants, and helpers to deploy them the ways operators do.</summary>
internal static class TestPluginFiles
{
    public const string AssemblyFile = "Exim.TestPlugin.dll";

    public static string V1 => Path.Combine(RepoPaths.TestPluginDirectory("v1"), AssemblyFile);
    public static string V2 => Path.Combine(RepoPaths.TestPluginDirectory("v2"), AssemblyFile);
    public static string Throwing => Path.Combine(RepoPaths.TestPluginDirectory("throwing"), AssemblyFile);

    /// <summary>Copies a variant's whole output folder (assembly, deps.json) into <paramref name="directory"/>.</summary>
    public static string Deploy(string variantAssembly, string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(variantAssembly)!))
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
        }
        return Path.Combine(directory, AssemblyFile);
    }

    public static string Config(string assemblyPath, string statusFile, string extra = "")
        => $"""
            spool_directory = "spool"
            primary_hostname = "test.example"
            local_interfaces = []
            {extra}
            [plugins.test]
            assembly = "{assemblyPath}"
            status_file = "{statusFile}"
            """;
}
