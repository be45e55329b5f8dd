using System.ComponentModel;
using System.Diagnostics;
using Exim.Abstractions.Config;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Queue;
using Exim.Host.Log;
using Exim.Host.Slots;
using Exim.Mail.Delivery;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Queue;

/// <summary>
/// The daemon's queue-runner processes (spec §1.10): each is this executable re-invoked as
/// <c>exim -C &lt;config&gt; -q[flags][G&lt;name&gt;]</c>, held in a runner slot until it exits, then reaped and
/// reported as a child-exit event with its exit code or signal. <c>queue_run_max</c> caps each queue and the total
/// (0: no cap, the documented meaning). Slots belong to the process, so counts survive reloads; a runner that
/// crashes only ends its own run.
/// </summary>
internal sealed partial class RunnerProcesses(ChildExitReporter exits, ILogger logger)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _perQueue = new(StringComparer.Ordinal);
    private int _total;

    public int Total { get { lock (_lock) return _total; } }

    public int Active(string? queue)
    {
        lock (_lock) return _perQueue.GetValueOrDefault(queue ?? "");
    }

    public bool TryStart(QueueRunSpec spec, EximConfig config)
    {
        var max = config.Main.QueueRunMax;
        var queue = spec.QueueName ?? "";
        lock (_lock)
        {
            if (max > 0 && (_perQueue.GetValueOrDefault(queue) >= max || _total >= max)) return false;
            _perQueue[queue] = _perQueue.GetValueOrDefault(queue) + 1;
            _total++;
        }
        var flag = QueueRunner.FlagText(spec.Flags).Trim() is { Length: > 0 } f ? f : "-q";
        if (spec.QueueName is { } name) flag += "G" + name;
        Process process;
        try
        {
            process = Process.Start(StartInfo(config.SourcePath, flag)) ?? throw new Win32Exception("no process started");
        }
        catch (Win32Exception e)
        {
            Release(queue);
            ForkFailed(logger, e.Message);
            return false;
        }
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _ = ReapAsync(process, flag, queue, Stopwatch.GetTimestamp());
        return true;
    }

    /// <summary>This executable again: the apphost directly, or <c>dotnet exim.dll</c> when run through dotnet.</summary>
    private static ProcessStartInfo StartInfo(string configPath, string flag)
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") psi.ArgumentList.Add(typeof(RunnerProcesses).Assembly.Location);
        foreach (var a in (ReadOnlySpan<string>)["-C", configPath, flag]) psi.ArgumentList.Add(a);
        return psi;
    }

    private async Task ReapAsync(Process process, string flag, string queue, long started)
    {
        using (process)
        {
            process.StandardInput.Close();
            await process.WaitForExitAsync().ConfigureAwait(false);
            Release(queue);
            // .NET reports a child killed by a signal as 128 + the signal number.
            var code = process.ExitCode;
            int? signal = code > 128 ? code - 128 : null;
            exits.Report(new ChildExitEvent(ChildExitKind.QueueRunner, flag, process.Id, null, null, signal is null ? code : null, signal,
                Stopwatch.GetElapsedTime(started), 0));
        }
    }

    private void Release(string queue)
    {
        lock (_lock)
        {
            _perQueue[queue]--;
            _total--;
        }
    }

    [LoggerMessage(EventIds.RunnerForkFailed, LogLevel.Critical, "daemon: fork of queue-runner process failed: {Error}")]
    private static partial void ForkFailed(ILogger logger, string error);
}
