using System.Threading.Channels;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Scripting;
using Exim.Host.Generations;
using Exim.Host.Log;
using Exim.Host.Plugins;
using Exim.Mail.Matching;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Scripting;

/// <summary>
/// Runs the current generation's child_exit script for every child that ends, one event at a time on a task of
/// its own: <see cref="Post"/> only queues, so reaping and the accept path never wait for a script. The queue is
/// bounded; when a script falls that far behind, events are dropped and counted rather than held without limit.
/// </summary>
internal sealed partial class ChildExitHooks : IAsyncDisposable
{
    private const int Capacity = 4096;
    private readonly Channel<ChildExitEvent> _events = Channel.CreateBounded<ChildExitEvent>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly GenerationStore _store;
    private readonly IQueueControl _queue;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private long _invoked;
    private long _failed;
    private long _dropped;

    public ChildExitHooks(GenerationStore store, IQueueControl queue, ILogger logger)
    {
        _store = store;
        _queue = queue;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    public long Invoked => Interlocked.Read(ref _invoked);
    public long Failed => Interlocked.Read(ref _failed);
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Post(ChildExitEvent child)
    {
        if (_events.Writer.TryWrite(child)) return;
        var dropped = Interlocked.Increment(ref _dropped);
        if (dropped == 1 || dropped % 1000 == 0) Backlog(_logger, Capacity, dropped);
    }

    public async ValueTask DisposeAsync()
    {
        _events.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A script still running at exit is abandoned with the process.
        }
    }

    private async Task RunAsync()
    {
        await foreach (var child in _events.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (!_store.HasCurrent) continue;
            GenerationLease lease;
            try
            {
                lease = _store.Acquire();
            }
            catch (InvalidOperationException)
            {
                continue; // shutting down
            }
            using (lease)
            {
                var hooks = lease.Generation.Hooks;
                if (hooks.ChildExit is not { } script) continue;
                Interlocked.Increment(ref _invoked);
                var log = new ScriptLog(_logger, script.Source.DisplayPath);
                var main = new MainOptionsView(lease.Generation.Config);
                var outcome = await script.InvokeAsync((Child: child, Queue: _queue, Main: main, Log: log),
                    static (s, budget) => new ChildExitGlobals(s.Child, s.Queue, s.Main, HostListFactory.Instance, s.Log, budget), hooks.Timeout).ConfigureAwait(false);
                if (outcome.Status == HookStatus.Completed) continue;
                Interlocked.Increment(ref _failed);
                var error = outcome.Status == HookStatus.TimedOut
                    ? $"ran past its {hooks.Timeout.TotalMilliseconds} ms budget"
                    : ScriptErrors.Describe(outcome.Error!, script.Source);
                HookFailed(_logger, script.Source.DisplayPath, child.Kind.ToString(), child.Id, error);
            }
        }
    }

    [LoggerMessage(EventIds.ChildExitHookFailed, LogLevel.Error, "child_exit hook {Script} failed for {Kind} {Id}: {Error}")]
    private static partial void HookFailed(ILogger logger, string script, string kind, string id, string error);

    [LoggerMessage(EventIds.ChildExitHookBacklog, LogLevel.Warning, "child_exit hook is more than {Capacity} events behind: {Dropped} event(s) dropped so far")]
    private static partial void Backlog(ILogger logger, int capacity, long dropped);
}
