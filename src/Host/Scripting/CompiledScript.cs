using System.Diagnostics;
using Exim.Abstractions.Diagnostics;
using System.Runtime.Loader;
using Exim.Abstractions.Scripting;

namespace Exim.Host.Scripting;

/// <summary>
/// One generation's loaded copy of a script: the emitted <c>&lt;Factory&gt;</c> called directly as a delegate
/// (research: 38 ns per call, against 244 ns through ScriptRunner), in its own collectible load context, with the
/// time budget enforced and invocations, failures and timeouts counted.
/// </summary>
internal sealed class CompiledScript<TResult>
{
    private Func<object[], Task<TResult>>? _factory;
    private AssemblyLoadContext? _context;
    private long _invocations;
    private long _failures;
    private long _timeouts;

    public CompiledScript(ScriptSource source, Func<object[], Task<TResult>> factory, AssemblyLoadContext context, bool fromCache)
    {
        Source = source;
        _factory = factory;
        _context = context;
        FromCache = fromCache;
    }

    public ScriptSource Source { get; }

    /// <summary>True when the image came from the on-disk cache (the compiler did not run).</summary>
    public bool FromCache { get; }

    public long Invocations => Interlocked.Read(ref _invocations);
    public long Failures => Interlocked.Read(ref _failures);
    public long Timeouts => Interlocked.Read(ref _timeouts);

    /// <summary>
    /// Runs the script once. The synchronous part runs on the caller's thread, stopped by the inserted budget checks;
    /// an awaited part is abandoned when the budget runs out (its late failure is observed, never unhandled).
    /// </summary>
    public async ValueTask<HookOutcome<TResult>> InvokeAsync<TState>(TState state, Func<TState, CancellationToken, ScriptGlobals> makeGlobals, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = await RunAsync(state, makeGlobals, timeout).ConfigureAwait(false);
        EximMetrics.Hook(Source.DisplayPath, Stopwatch.GetElapsedTime(started), outcome.Status == HookStatus.TimedOut, outcome.Status == HookStatus.Failed);
        return outcome;
    }

    private async ValueTask<HookOutcome<TResult>> RunAsync<TState>(TState state, Func<TState, CancellationToken, ScriptGlobals> makeGlobals, TimeSpan timeout)
    {
        Interlocked.Increment(ref _invocations);
        if (_factory is not { } factory)
        {
            // Only a caller without a lease on the generation gets here; it still gets an outcome, not an exception.
            Interlocked.Increment(ref _failures);
            return new HookOutcome<TResult>(HookStatus.Failed, default, new ObjectDisposedException($"script {Source.DisplayPath} has been unloaded"));
        }
        using var budget = new CancellationTokenSource(timeout);
        Task<TResult> task;
        try
        {
            task = factory([makeGlobals(state, budget.Token), null!]);
        }
        catch (Exception e)
        {
            return Failed(e, budget);
        }
        if (!task.IsCompleted)
        {
            try
            {
                await task.WaitAsync(budget.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!task.IsCompleted)
            {
                _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                Interlocked.Increment(ref _timeouts);
                return new HookOutcome<TResult>(HookStatus.TimedOut, default, null);
            }
            catch (Exception)
            {
                // The task's own exception is read below.
            }
        }
        if (task.IsCompletedSuccessfully) return new HookOutcome<TResult>(HookStatus.Completed, task.Result, null);
        return Failed(task.Exception?.InnerException ?? new OperationCanceledException(), budget);
    }

    /// <summary>Drops the delegate and unloads the context; the reference tells whether it was collected.</summary>
    public WeakReference<AssemblyLoadContext>? Unload()
    {
        _factory = null;
        var context = Interlocked.Exchange(ref _context, null);
        if (context is null) return null;
        context.Unload();
        return new WeakReference<AssemblyLoadContext>(context);
    }

    private HookOutcome<TResult> Failed(Exception e, CancellationTokenSource budget)
    {
        if (e is OperationCanceledException && budget.IsCancellationRequested)
        {
            Interlocked.Increment(ref _timeouts);
            return new HookOutcome<TResult>(HookStatus.TimedOut, default, e);
        }
        Interlocked.Increment(ref _failures);
        return new HookOutcome<TResult>(HookStatus.Failed, default, e);
    }
}
