using System.Diagnostics;
using System.Text;

namespace Exim.TestKit;

/// <summary>
/// A server program from Debian (NSD, unbound) run in the foreground for a test: its output collected, "started"
/// meaning it printed its ready line, and disposal killing it. <see cref="RunAsync"/> runs a tool to completion.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _directory;
    private readonly StringBuilder _log = new();

    private ServiceProcess(Process process, TempDirectory directory) => (_process, _directory) = (process, directory);

    /// <summary>Everything the program printed so far.</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>
    /// Starts <paramref name="file"/> and waits until its output contains <paramref name="ready"/>. The process owns
    /// <paramref name="directory"/> (its configuration and state) from then on, and removes it on dispose, or at once
    /// when it does not start.
    /// </summary>
    /// <param name="file">The program.</param>
    /// <param name="ready">The text it prints once it serves.</param>
    /// <param name="package">The Debian package to name when the program is missing.</param>
    /// <param name="directory">Its directory.</param>
    /// <param name="args">Its arguments.</param>
    public static async Task<ServiceProcess> StartAsync(string file, string ready, string package, TempDirectory directory, params string[] args)
    {
        ServiceProcess service;
        try
        {
            service = new ServiceProcess(Start(file, package, directory.Path, args), directory);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
        var process = service._process;
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await Wait.UntilOrFailAsync(() => process.HasExited || service.Log.Contains(ready, StringComparison.Ordinal), TestTimeouts.Startup,
                () => $"{file} start:\n{service.Log}");
            if (process.HasExited) throw new InvalidOperationException($"{file} exited:\n{service.Log}");
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
        return service;
    }

    /// <summary>Runs <paramref name="file"/> to completion in <paramref name="directory"/> and returns its standard output; a failure throws with its output.</summary>
    public static async Task<string> RunAsync(string file, string package, string directory, params string[] args)
    {
        using var process = Start(file, package, directory, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TestTimeouts.Default);
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{await stdout}{await stderr}");
        return await stdout;
    }

    private static Process Start(string file, string package, string directory, string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = directory };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            return Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"cannot start {file} (apt-get install {package}): {e.Message}", e);
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var cts = new CancellationTokenSource(TestTimeouts.Default);
            try { await _process.WaitForExitAsync(cts.Token); } catch (OperationCanceledException) { }
        }
        _process.Dispose();
        _directory.Dispose();
    }
}
