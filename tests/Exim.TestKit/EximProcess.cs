using System.Diagnostics;
using System.Text;

namespace Exim.TestKit;

/// <summary>A real <c>exim</c> process (<c>dotnet exim.dll ...</c>) with its output captured.</summary>
public sealed class EximProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private EximProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    /// <summary>The process's stdin, for a dialogue (<c>-bh</c>, <c>-bs</c>) held open while the test looks at the process.</summary>
    public StreamWriter StandardInput => _process.StandardInput;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public static EximProcess Start(string workingDirectory, params string[] args) => Start(workingDirectory, null, args);

    /// <summary>Starts exim; with <paramref name="fileLimit"/>, under that soft and hard RLIMIT_NOFILE (to provoke EMFILE).</summary>
    public static EximProcess Start(string workingDirectory, int? fileLimit, params string[] args)
        => Start(workingDirectory, fileLimit, null, null, args);

    /// <summary>
    /// As above, with <paramref name="environment"/> added to exim's environment (a null value removes the variable) and
    /// <paramref name="wrapper"/> (e.g. <c>systemd-socket-activate -l ...</c>) exec'ing <c>dotnet exim.dll ...</c>.
    /// </summary>
    public static EximProcess Start(string workingDirectory, int? fileLimit, IReadOnlyDictionary<string, string?>? environment,
        IReadOnlyList<string>? wrapper, params string[] args)
    {
        var psi = new ProcessStartInfo(wrapper is { Count: > 0 } ? wrapper[0] : fileLimit is null ? "dotnet" : "bash")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (wrapper is { Count: > 0 })
        {
            foreach (var w in wrapper.Skip(1)) psi.ArgumentList.Add(w);
            psi.ArgumentList.Add("dotnet");
        }
        if (fileLimit is { } limit)
        {
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add($"ulimit -Sn {limit} && ulimit -Hn {limit} && exec dotnet \"$@\"");
            psi.ArgumentList.Add("exim");
        }
        psi.ArgumentList.Add(RepoPaths.EximDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>()) psi.Environment[name] = value;
        return new EximProcess(Process.Start(psi) ?? throw new InvalidOperationException("cannot start exim"));
    }

    /// <summary>
    /// Starts an installed exim executable (the apphost of a self-contained publish, or a link to it under another name
    /// such as <c>sendmail</c>) directly, without <c>dotnet</c>.
    /// </summary>
    public static EximProcess StartExecutable(string executable, string workingDirectory, params string[] args)
        => StartExecutable(executable, workingDirectory, null, args);

    /// <summary>As above, with <paramref name="environment"/> added to its environment (a null value removes the variable).</summary>
    public static EximProcess StartExecutable(string executable, string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>()) psi.Environment[name] = value;
        return new EximProcess(Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + executable));
    }

    /// <summary>Runs an installed exim executable to completion with <paramref name="input"/> on its stdin; returns (exit code, stdout, stderr).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunExecutableAsync(string executable, string workingDirectory, string input, params string[] args)
    {
        await using var p = StartExecutable(executable, workingDirectory, args);
        return await p.FeedAndWaitAsync(input);
    }

    /// <summary>Runs exim to completion and returns (exit code, stdout, stderr).</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, params string[] args)
        => RunWithInputAsync(workingDirectory, "", args);

    /// <summary>Runs exim to completion with <paramref name="input"/> on its stdin, and returns (exit code, stdout, stderr).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunWithInputAsync(string workingDirectory, string input, params string[] args)
    {
        await using var p = Start(workingDirectory, args);
        return await p.FeedAndWaitAsync(input);
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> FeedAndWaitAsync(string input)
    {
        if (input.Length > 0) await _process.StandardInput.WriteAsync(input);
        _process.StandardInput.Close();
        var code = await WaitForExitAsync(TestTimeouts.Startup);
        return (code, Stdout, Stderr);
    }

    public void Signal(int signal) => Signals.Send(Pid, signal);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"exim (pid {Pid}) did not exit within {timeout.TotalSeconds}s\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
        _process.WaitForExit(); // drain the output readers
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(new CancellationTokenSource(TestTimeouts.Default).Token);
            }
            catch (InvalidOperationException) { }
            catch (OperationCanceledException) { }
        }
        _process.Dispose();
    }
}
