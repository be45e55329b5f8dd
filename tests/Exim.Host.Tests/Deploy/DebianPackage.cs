using System.Diagnostics;
using Exim.TestKit;

namespace Exim.Host.Tests.Deploy;

/// <summary>
/// The Debian package, built once per test run by <c>deploy/build-deb.sh --fast</c> (linux-x64; its publish output is
/// kept in the checkout's git-ignored <c>.build/deb/</c> and reused while the sources are unchanged), then unpacked
/// into a scratch root with <c>dpkg-deb -x</c> and its control area with <c>dpkg-deb -e</c>.
/// </summary>
public sealed class DebianPackage : IAsyncLifetime
{
    /// <summary>A cold self-contained ReadyToRun publish of the host and the plugins takes a minute or two on 2 cores.</summary>
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    public TempDirectory Directory { get; } = new("exim-deb");

    /// <summary>The built .deb.</summary>
    public string DebPath { get; private set; } = "";

    /// <summary>The package's files, unpacked as dpkg would install them (<c>Root + "/usr/lib/exim/exim"</c>).</summary>
    public string Root => Directory.Combine("root");

    /// <summary>The control area: control, conffiles, postinst, prerm, postrm.</summary>
    public string Control => Directory.Combine("DEBIAN");

    /// <summary>The paths <c>dpkg-deb -c</c> lists, as <c>./usr/lib/exim/exim</c> (directories end in /).</summary>
    public IReadOnlyList<string> Files { get; private set; } = [];

    public string Executable => Path.Combine(Root, "usr", "lib", "exim", "exim");

    public async Task InitializeAsync()
    {
        var output = await RunAsync("bash", BuildTimeout, Path.Combine(RepoPaths.Root, "deploy", "build-deb.sh"), "--fast", "--out", Directory.Path);
        DebPath = output.TrimEnd().Split('\n')[^1];
        if (!File.Exists(DebPath)) throw new InvalidOperationException("build-deb.sh did not name a .deb:\n" + output);
        await RunAsync("dpkg-deb", TestTimeouts.Startup, "-x", DebPath, Root);
        await RunAsync("dpkg-deb", TestTimeouts.Startup, "-e", DebPath, Control);
        var listing = await RunAsync("dpkg-deb", TestTimeouts.Startup, "-c", DebPath);
        // -rwxr-xr-x root/root     78256 2026-11-30 12:20 ./usr/lib/exim/exim   (links: "./a -> b")
        Files = [.. listing.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries)[5].Split(" -> ")[0])];
    }

    /// <summary>Runs <paramref name="file"/> to completion within <paramref name="timeout"/>; a failure throws with its output.</summary>
    public static async Task<string> RunAsync(string file, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + file);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout.TotalSeconds}s");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{await stdout}{await stderr}");
        return await stdout;
    }

    public Task DisposeAsync()
    {
        Directory.Dispose();
        return Task.CompletedTask;
    }
}
