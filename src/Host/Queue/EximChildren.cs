using System.Diagnostics;
using Exim.Abstractions.Daemon;
using Exim.Host.Slots;

namespace Exim.Host.Queue;

/// <summary>
/// Child processes of the daemon that are this exim again (queue runners, deliveries): started with the same
/// configuration and a closed stdin, reaped when they exit, and each exit reported as a child-exit event with its
/// exit code, or its signal (.NET reports a child ended by a signal as 128 + the signal number, as a shell does).
/// </summary>
internal sealed class EximChildren(string configPath, ChildExitReporter exits)
{
    /// <summary>Starts a child; <paramref name="ended"/> runs once it has been reaped and reported.</summary>
    /// <returns>The child's pid.</returns>
    public int Start(ChildExitKind kind, Func<int, string> id, IEnumerable<string> arguments, Action ended)
    {
        var psi = SelfInvocation.For(["-C", configPath, .. arguments]);
        psi.RedirectStandardInput = true;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("the child process did not start");
        process.StandardInput.Close();
        _ = ReapAsync(process, kind, id(process.Id), Stopwatch.GetTimestamp(), ended);
        return process.Id;
    }

    private async Task ReapAsync(Process process, ChildExitKind kind, string id, long started, Action ended)
    {
        using (process)
        {
            try
            {
                await process.WaitForExitAsync().ConfigureAwait(false);
                var code = process.ExitCode;
                var signal = code > 128 && code < 128 + 65 ? code - 128 : (int?)null;
                exits.Report(new ChildExitEvent(kind, id, process.Id, null, null, signal is null ? code : null, signal, Stopwatch.GetElapsedTime(started), 0));
            }
            finally
            {
                ended();
            }
        }
    }
}
