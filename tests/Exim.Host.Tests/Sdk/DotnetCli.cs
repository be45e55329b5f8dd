using System.Diagnostics;
using System.Text;
using Exim.TestKit;

namespace Exim.Host.Tests.Sdk;

/// <summary>Runs the dotnet CLI as a plugin author would, in a directory outside the repository, without MSBuild node reuse.</summary>
internal static class DotnetCli
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(180);

    /// <summary>Runs <c>dotnet</c> with <paramref name="args"/> in <paramref name="workingDirectory"/>; returns its output, or throws with it when it fails.</summary>
    public static async Task<string> RunAsync(string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The test host runs under `dotnet test`: its MSBuild variables would point the child at the repository's build.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "NUGET_PACKAGES").ToList())
        {
            psi.Environment.Remove(key);
        }
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "1";
        psi.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Limit);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not exit within {Limit.TotalSeconds}s");
        }
        var output = new StringBuilder().Append(await stdout).Append(await stderr).ToString();
        if (p.ExitCode != 0) throw new InvalidOperationException($"dotnet {string.Join(' ', args)} (in {workingDirectory}) exited {p.ExitCode}:\n{output}");
        return output;
    }

    /// <summary>
    /// A NuGet.config for <paramref name="directory"/>: the local <paramref name="feed"/> is the only source, packages the
    /// machine already has (the repository's own restore put them there) are a fallback folder, and the global packages
    /// folder is private, so a package packed by an earlier run is never taken from a cache. Nothing goes to the network.
    /// </summary>
    public static void WriteNuGetConfig(string directory, string feed)
    {
        var machinePackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(directory, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{Path.Combine(directory, ".packages")}" /></config>
              <packageSources><clear /><add key="local" value="{feed}" /></packageSources>
              <fallbackPackageFolders><clear /><add key="machine" value="{machinePackages}" /></fallbackPackageFolders>
            </configuration>
            """);
    }

    /// <summary>Copies the contract's sources (src/Abstractions and the Directory.Build.props it builds with) under <paramref name="directory"/>.</summary>
    public static void CopyContractSources(string directory)
    {
        CopySources(Path.Combine(RepoPaths.Root, "src", "Abstractions"), Path.Combine(directory, "src", "Abstractions"));
        File.Copy(Path.Combine(RepoPaths.Root, "Directory.Build.props"), Path.Combine(directory, "Directory.Build.props"));
    }

    /// <summary>Copies a directory tree, leaving out bin/ and obj/.</summary>
    public static void CopySources(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar) is var parts && (parts.Contains("bin") || parts.Contains("obj"))) continue;
            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
