using System.Diagnostics;

namespace Exim.TestKit;

/// <summary>
/// Debian 12's eximstats (exim4-base 4.96, a perl script), which test.sh unpacks under the checkout's git-ignored
/// <c>.tools/</c> (<c>apt-get download exim4-base</c> then <c>dpkg -x</c>); exim4 itself is never installed.
/// </summary>
public static class Eximstats
{
    public static string Directory => Path.Combine(RepoPaths.Root, ".tools", "exim4-base");

    public static string Script => Path.Combine(Directory, "usr", "sbin", "eximstats");

    /// <summary>Runs eximstats over <paramref name="logPath"/> with <paramref name="options"/>; returns its text report.</summary>
    public static async Task<string> RunAsync(string logPath, params string[] options)
    {
        if (!File.Exists(Script)) throw new InvalidOperationException($"{Script} is missing: ./test.sh unpacks Debian's eximstats there");
        var (code, output, error) = await RunProcessAsync(null, "perl", [Script, .. options, logPath]);
        if (code != 0) throw new InvalidOperationException($"eximstats exited with {code}: {error}");
        return output;
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunProcessAsync(string? workingDirectory, string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TestTimeouts.Startup);
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }
}
