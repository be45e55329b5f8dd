using Exim.Host.Plugins;
using Exim.TestKit;

namespace Exim.Host.Tests.Sdk;

/// <summary>
/// What a plugin author outside the repository does, once for the SDK tests: the SDK (Exim.Abstractions) and the
/// template package are packed to a local folder feed, the template is installed into a private hive, a plugin is
/// created from it in a temp directory, and its own tests are run against the package only (no project reference into
/// the tree, no source but the local feed and the packages the machine already has).
/// </summary>
public sealed class PluginSdkFixture : IAsyncLifetime
{
    public const string PluginName = "AcmePolicy";

    public TempDirectory Root { get; } = new("exim-sdk");

    public string Feed => Root.Combine("feed");

    /// <summary>Where the author works: NuGet.config, and the solution the template made.</summary>
    public string Author => Root.Combine("author");

    public string PluginProjectDirectory => Path.Combine(Author, PluginName, PluginName);

    public string PluginOutput => Path.Combine(PluginProjectDirectory, "bin", "Release", "net10.0");

    public string PluginAssembly => Path.Combine(PluginOutput, PluginName + ".dll");

    /// <summary>What <c>dotnet test</c> of the generated test project printed.</summary>
    public string TestOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(Author);
        await DotnetCli.RunAsync(RepoPaths.Root, "pack", "src/Abstractions/Exim.Abstractions.csproj", "-c", RepoPaths.Configuration, "--no-build", "-o", Feed);
        await DotnetCli.RunAsync(RepoPaths.Root, "pack", "templates/Exim.Templates.csproj", "-c", RepoPaths.Configuration, "-o", Feed);

        DotnetCli.WriteNuGetConfig(Author, Feed);
        var hive = Root.Combine("template-hive");
        await DotnetCli.RunAsync(Author, "new", "install", Path.Combine(Feed, $"Exim.Templates.{ContractVersion.HostDisplay}.nupkg"), "--debug:custom-hive", hive);
        await DotnetCli.RunAsync(Author, "new", "exim-plugin", "-n", PluginName, "--debug:custom-hive", hive);
        TestOutput = await DotnetCli.RunAsync(Author, "test", Path.Combine(PluginName, PluginName + ".Tests"), "-c", "Release");
    }

    public Task DisposeAsync()
    {
        Root.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Copies the plugin's whole build output into <paramref name="directory"/>, as an operator deploys it; returns the assembly's path there.</summary>
    public static string Deploy(string output, string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.GetFiles(output)) File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
        return Path.Combine(directory, PluginName + ".dll");
    }
}
