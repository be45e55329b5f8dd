using System.Reflection;

namespace Exim.TestKit;

/// <summary>Where the checkout, the built exim executable and the built plugins are.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Configuration { get; } = typeof(RepoPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "Configuration").Value!;

    /// <summary>The host's main assembly, run with <c>dotnet exim.dll</c>.</summary>
    public static string EximDll => Path.Combine(Root, "src", "Host", "bin", Configuration, "net10.0", "exim.dll");

    public static string Plugin(string name, string assembly) => Path.Combine(Root, "plugins", name, "bin", assembly);

    public static string TestPluginDirectory(string variant) => Path.Combine(Root, "tests", "plugins", variant, "bin");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        for (var i = 0; i < 12 && dir is not null; i++, dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Exim.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("cannot find the checkout root (Exim.slnx) above " + AppContext.BaseDirectory);
    }
}
