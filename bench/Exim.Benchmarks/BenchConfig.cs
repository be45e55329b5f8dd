namespace Exim.Benchmarks;

/// <summary>A temporary exim.toml that loads the bundled plugins from the checkout.</summary>
internal static class BenchConfig
{
    public static string Root { get; } = FindRoot();

    public static string Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "exim.toml");
        File.WriteAllText(path, $"""
            spool_directory = "spool"
            primary_hostname = "bench.example"
            local_interfaces = ["127.0.0.1"]
            daemon_smtp_ports = [2525]
            [plugins.interface-scanner]
            assembly = "{Path.Combine(Root, "plugins/interface-scanner/bin/Exim.Plugins.InterfaceScanner.dll")}"
            [plugins.gethostbyname-resolver]
            assembly = "{Path.Combine(Root, "plugins/gethostbyname-resolver/bin/Exim.Plugins.GetHostByNameResolver.dll")}"
            """);
        return path;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        for (var i = 0; i < 12 && dir is not null; i++, dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Exim.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("run from inside the checkout");
    }
}
