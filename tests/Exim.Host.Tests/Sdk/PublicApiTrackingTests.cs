using Exim.TestKit;

namespace Exim.Host.Tests.Sdk;

/// <summary>The contract's public surface is recorded in PublicAPI.Shipped.txt: a change to it that is not recorded fails the build.</summary>
[Collection(SerialCollection.Name)]
public sealed class PublicApiTrackingTests
{
    [Fact]
    public async Task UnrecordedAdditionOrRemoval_FailsTheContractsBuild()
    {
        using var root = new TempDirectory("exim-sdk-api");
        DotnetCli.CopyContractSources(root.Path);
        var feed = root.Combine("feed");
        Directory.CreateDirectory(feed);
        DotnetCli.WriteNuGetConfig(root.Path, feed);

        // As if a member had been added without being recorded (its line missing) and a shipped one removed (a line for
        // a member that no longer exists).
        var shipped = root.Combine("src", "Abstractions", "PublicAPI.Shipped.txt");
        var lines = File.ReadAllLines(shipped).ToList();
        var added = lines.First(l => l.StartsWith("Exim.Abstractions.Plugins.IEximPlugin.Register(", StringComparison.Ordinal));
        lines.Remove(added);
        lines.Add("Exim.Abstractions.Plugins.IPluginContext.Removed.get -> string!");
        File.WriteAllLines(shipped, lines);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(
            () => DotnetCli.RunAsync(root.Path, "build", "src/Abstractions/Exim.Abstractions.csproj", "-c", "Release"));

        Assert.Contains($"error RS0016: Symbol '{added.Split(" -> ")[0]}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("error RS0017: Symbol 'Exim.Abstractions.Plugins.IPluginContext.Removed.get -> string!' is part of the declared API, but is either not public or could not be found", failure.Message, StringComparison.Ordinal);
    }
}
