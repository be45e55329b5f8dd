using System.Diagnostics;

namespace Exim.TestKit;

/// <summary>
/// Debian 12's eximstats (exim4-base 4.96, a perl script), unpacked under the checkout's git-ignored <c>.tools/</c> by
/// test.sh, or here on first use (<c>apt-get download exim4-base</c> then <c>dpkg -x</c>); exim4 itself is never installed.
/// </summary>
public static class Eximstats
{
    private static readonly SemaphoreSlim Unpacking = new(1, 1);

    public static string Directory => Path.Combine(RepoPaths.Root, ".tools", "exim4-base");

    public static string Script => Path.Combine(Directory, "usr", "sbin", "eximstats");

    /// <summary>Runs eximstats over <paramref name="logPath"/> with <paramref name="options"/>; returns its text report.</summary>
    public static async Task<string> RunAsync(string logPath, params string[] options)
    {
        await EnsureUnpackedAsync();
        var (code, output, error) = await RunProcessAsync(null, "perl", [Script, .. options, logPath]);
        if (code != 0) throw new InvalidOperationException($"eximstats exited with {code}: {error}");
        return output;
    }

    private static async Task EnsureUnpackedAsync()
    {
        await Unpacking.WaitAsync(TestTimeouts.Default);
        try
        {
            if (File.Exists(Script)) return;
            var download = Path.Combine(Path.GetTempPath(), $"exim4-base-{Guid.NewGuid():N}");
            System.IO.Directory.CreateDirectory(download);
            try
            {
                var (code, _, error) = await RunProcessAsync(download, "apt-get", ["download", "exim4-base"]);
                var deb = System.IO.Directory.GetFiles(download, "exim4-base_*.deb").FirstOrDefault();
                if (code != 0 || deb is null) throw new InvalidOperationException($"apt-get download exim4-base failed ({code}): {error}");
                var unpacked = Path.Combine(download, "root");
                (code, _, error) = await RunProcessAsync(download, "dpkg", ["-x", deb, unpacked]);
                if (code != 0) throw new InvalidOperationException($"dpkg -x {deb} failed ({code}): {error}");
                // Into place in one rename, so a half-unpacked tree is never taken for the tool.
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Directory)!);
                if (!File.Exists(Script)) System.IO.Directory.Move(unpacked, Directory);
            }
            finally
            {
                System.IO.Directory.Delete(download, recursive: true);
            }
        }
        finally
        {
            Unpacking.Release();
        }
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
