using System.Diagnostics;
using System.Globalization;

namespace Exim.Host.Lifetime;

/// <summary>
/// With <c>EXIM_STARTUP_TRACE=1</c> in the environment, each step of start-up writes one line on stderr: milliseconds
/// since exec (from the process's start time in /proc) and since the previous mark, and the methods JIT-compiled so far and the time that took. Where the start-up time goes, for
/// bench/'s start-up target; nothing is measured without the variable.
/// </summary>
internal static class StartupTrace
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("EXIM_STARTUP_TRACE") is "1" or "jit";
    private static readonly JitListener? Jit = Environment.GetEnvironmentVariable("EXIM_STARTUP_TRACE") == "jit" ? new JitListener() : null;
    private static readonly Lock Gate = new();
    private static double _last;
    private static double _lastJit;

    public static void Mark(string step)
    {
        if (!Enabled) return;
        var sinceExec = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        lock (Gate)
        {
            var jit = System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"startup {sinceExec,8:F1} ms  +{sinceExec - _last,7:F1}  jit {System.Runtime.JitInfo.GetCompiledMethodCount(),5} methods {jit,7:F1} ms (+{jit - _lastJit,6:F1})  {step}"));
            _lastJit = jit;
            _last = sinceExec;
        }
    }

    /// <summary>With <c>EXIM_STARTUP_TRACE=jit</c>: each method the JIT compiles, as the runtime's event source reports it.</summary>
    private sealed class JitListener : System.Diagnostics.Tracing.EventListener
    {
        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x10); // JIT
            }
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
        {
            if (e.EventName != "MethodJittingStarted_V1" || e.Payload is not { Count: >= 6 } p) return;
            Console.Error.WriteLine($"jit {p[4]}.{p[5]}");
        }
    }
}
