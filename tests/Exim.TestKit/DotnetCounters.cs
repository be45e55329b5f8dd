using System.Diagnostics;

namespace Exim.TestKit;

/// <summary>
/// The real <c>dotnet-counters</c> (the .NET diagnostics tool, from NuGet), installed with <c>dotnet tool install
/// --tool-path</c> into the git-ignored <c>.tools/dotnet-counters</c> of the checkout (test.sh installs it; a test run
/// without it installs it here). A failed install fails the test with the tool's output: it is never skipped.
/// </summary>
public static class DotnetCounters
{
    public const string Version = "10.0.750501";
    private static readonly SemaphoreSlim Installing = new(1, 1);

    public static string ToolPath => Path.Combine(RepoPaths.Root, ".tools", "dotnet-counters", "dotnet-counters");

    public static async Task<string> EnsureInstalledAsync()
    {
        if (File.Exists(ToolPath)) return ToolPath;
        await Installing.WaitAsync(TestTimeouts.Startup);
        try
        {
            if (File.Exists(ToolPath)) return ToolPath;
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in (string[])["tool", "install", "dotnet-counters", "--version", Version, "--tool-path", Path.GetDirectoryName(ToolPath)!]) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet");
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await p.WaitForExitAsync(timeout.Token);
            if (p.ExitCode != 0 || !File.Exists(ToolPath))
            {
                throw new InvalidOperationException($"dotnet tool install dotnet-counters {Version} failed (exit {p.ExitCode}); run test.sh with access to NuGet:\n{await stdout}{await stderr}");
            }
            return ToolPath;
        }
        finally
        {
            Installing.Release();
        }
    }
}
