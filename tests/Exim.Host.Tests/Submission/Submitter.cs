using System.Diagnostics;
using System.Text;
using Exim.TestKit;

namespace Exim.Host.Tests.Submission;

/// <summary>
/// Runs the built exim executable (the apphost, not <c>dotnet exim.dll</c>) by a symbolic link named as sendmail,
/// mailq or newaliases would be, optionally as <c>nobody</c> through <c>setpriv</c>, with a message on stdin.
/// </summary>
internal static class Submitter
{
    public static string Apphost => Path.Combine(Path.GetDirectoryName(RepoPaths.EximDll)!, "exim");

    /// <summary>Makes <paramref name="directory"/> and its config readable by everyone, so nobody can read the config.</summary>
    public static void OpenUp(TempDirectory directory)
    {
        File.SetUnixFileMode(directory.Path, (UnixFileMode)0b111_101_101);
        foreach (var file in Directory.GetFiles(directory.Path)) File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100);
    }

    /// <summary>A link named <paramref name="name"/> to the executable, in <paramref name="directory"/>.</summary>
    public static string Link(TempDirectory directory, string name)
    {
        var path = directory.Combine("bin", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.SetUnixFileMode(Path.GetDirectoryName(path)!, (UnixFileMode)0b111_101_101);
        if (!File.Exists(path)) File.CreateSymbolicLink(path, Apphost);
        return path;
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(TempDirectory directory, string name, bool asNobody, string input, params string[] args)
    {
        var program = Link(directory, name);
        var psi = new ProcessStartInfo(asNobody ? "setpriv" : program)
        {
            WorkingDirectory = directory.Path,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asNobody)
        {
            foreach (var a in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", program]) psi.ArgumentList.Add(a);
        }
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["HOME"] = "/tmp";
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + program);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(TestTimeouts.Startup);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{name} {string.Join(' ', args)} did not exit\nstderr: {await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The files delivered into maildir/<paramref name="localPart"/>/new.</summary>
    public static string[] Delivered(TempDirectory directory, string localPart)
    {
        var path = directory.Combine("maildir", localPart, "new");
        return Directory.Exists(path) ? [.. Directory.GetFiles(path).Select(f => File.ReadAllText(f, Encoding.Latin1))] : [];
    }
}
