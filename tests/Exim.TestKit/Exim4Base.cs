using System.Diagnostics;

namespace Exim.TestKit;

/// <summary>
/// Debian 12's exim4-base (4.96) perl scripts (eximstats, exiqgrep, exiqsumm), which test.sh unpacks under the checkout's
/// git-ignored <c>.tools/</c> (<c>apt-get download exim4-base</c> then <c>dpkg -x</c>); exim4 itself is never installed.
/// </summary>
public static class Exim4Base
{
    public static string Directory => Path.Combine(RepoPaths.Root, ".tools", "exim4-base");

    /// <summary>The unpacked script <paramref name="name"/> (under usr/sbin).</summary>
    public static string Script(string name) => Path.Combine(Directory, "usr", "sbin", name);

    /// <summary>Runs the script <paramref name="name"/> with perl and <paramref name="args"/>; returns (exit code, stdout, stderr).</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string name, params string[] args)
    {
        var script = Script(name);
        if (!File.Exists(script)) throw new InvalidOperationException($"{script} is missing: ./test.sh unpacks Debian's exim4-base there");
        var psi = new ProcessStartInfo("perl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start perl");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TestTimeouts.Startup);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{name} did not exit within {TestTimeouts.Startup.TotalSeconds}s");
        }
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// A shell script in <paramref name="directory"/> that runs our exim (<c>dotnet exim.dll "$@"</c>): what exiqgrep's
    /// <c>-E</c> names, since it pipes from <c>$exim $eargs</c> through the shell.
    /// </summary>
    public static string EximWrapper(TempDirectory directory)
    {
        var path = directory.Write("bin/exim", $"#!/bin/sh\nexec dotnet '{RepoPaths.EximDll}' \"$@\"\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
