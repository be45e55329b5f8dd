using System.Diagnostics;

namespace Exim.TestKit;

/// <summary>
/// Runs our exim as <c>nobody</c> (uid and gid 65534, through setpriv), optionally with supplementary groups, to test Exim's
/// checks of its caller. The tests run as root and make 0700 temporary directories: <see cref="OpenUp"/> lets nobody into
/// one, so that a refusal a test sees is the check under test and not EACCES.
/// </summary>
public static class NobodyProcess
{
    public const int Uid = 65534;

    /// <summary>Runs exim to completion as nobody with <paramref name="groups"/> as its supplementary groups (none: cleared).</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunEximAsync(string workingDirectory, int[] groups, params string[] args)
    {
        var psi = new ProcessStartInfo("setpriv")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])[$"--reuid={Uid}", $"--regid={Uid}", groups.Length == 0 ? "--clear-groups" : "--groups=" + string.Join(',', groups),
            "dotnet", RepoPaths.EximDll, .. args])
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["HOME"] = workingDirectory;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start setpriv");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TestTimeouts.Startup);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"exim as nobody did not exit within {TestTimeouts.Startup.TotalSeconds}s");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Lets anyone traverse, read and write <paramref name="directory"/> and everything under it.</summary>
    public static void OpenUp(string directory)
    {
        const UnixFileMode file = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        const UnixFileMode traverse = file | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(directory, traverse);
        foreach (var d in Directory.EnumerateDirectories(directory, "*", SearchOption.AllDirectories)) File.SetUnixFileMode(d, traverse);
        foreach (var f in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)) File.SetUnixFileMode(f, file);
    }
}
