using System.Diagnostics;
using System.Threading.Channels;
using Exim.Abstractions.Daemon;
using Exim.Host.Generations;
using Exim.Host.Hints;
using Exim.Host.Slots;
using Exim.Host.Log;
using Exim.Mail.Delivery;
using Exim.Mail.Resolution;
using Exim.Mail.Spool;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Delivery;

/// <summary>
/// The daemon's immediate delivery (spec §1.6 step 9): a message the session did not queue is delivered at once, in
/// this process, by a fixed number of workers (Exim forks one process per message; a bound keeps a burst from
/// starting hundreds of deliveries). Each delivery leases the current generation, so a reload never pulls plugins out
/// from under it, and uses the <see cref="DeliveryProcess"/> composed for that generation; one left behind by a reload
/// is disposed when its last delivery ends. Ids that find the backlog full are left to the next queue run, as are
/// messages another process has locked. Each delivery's end is reported as a child exit of kind Delivery (no pid:
/// exit code 0 when the attempt ran, 1 when it failed unexpectedly; Messages is 1 when the message completed), so the
/// child_exit hook sees deliveries as it would see Exim's delivery processes.
/// </summary>
internal sealed partial class ImmediateDelivery : IAsyncDisposable
{
    private const int Backlog = 1000;
    private readonly Channel<(MessageRef Message, TaskCompletionSource? Done)> _ids = Channel.CreateBounded<(MessageRef, TaskCompletionSource?)>(new BoundedChannelOptions(Backlog) { FullMode = BoundedChannelFullMode.DropWrite }, static dropped => dropped.Item2?.TrySetResult());
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly GenerationStore _store;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly HostCache _cache;
    private readonly HintsStores _hints;
    private readonly ChildExitReporter? _exits;
    private readonly Task[] _workers;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _active = new(StringComparer.Ordinal);
    private Entry? _current;

    /// <param name="store">The generations.</param>
    /// <param name="loggers">For delivery log lines.</param>
    /// <param name="cache">The daemon's host cache.</param>
    /// <param name="hints">The process's hints stores (the retry database).</param>
    /// <param name="exits">Where each delivery's end is reported.</param>
    /// <param name="workers">Deliveries at once (<c>immediate_delivery_max</c> at start-up).</param>
    public ImmediateDelivery(GenerationStore store, ILoggerFactory loggers, HostCache cache, HintsStores hints, ChildExitReporter? exits = null, int workers = 4)
    {
        _store = store;
        _loggers = loggers;
        _logger = loggers.CreateLogger("Exim.Delivery");
        _cache = cache;
        _hints = hints;
        _exits = exits;
        _workers = [.. Enumerable.Range(0, Math.Max(1, workers)).Select(_ => Task.Run(WorkAsync))];
    }

    /// <summary>Asks for delivery of a message just received; never blocks the session. Null when queued for a worker, else why not.</summary>
    public string? Enqueue(MessageRef message) => _ids.Writer.TryWrite((message, null)) ? null : Full;

    /// <summary>
    /// A local submission's <c>-odi</c>: the message goes to the same workers (so it counts against
    /// immediate_delivery_max) and the task completes when its attempt has ended; null, with why in
    /// <paramref name="why"/>, when the backlog is full (the message stays queued).
    /// </summary>
    public Task? EnqueueAndWait(MessageRef message, out string? why)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        why = _ids.Writer.TryWrite((message, done)) ? null : Full;
        return why is null ? done.Task : null;
    }

    private static string Full => $"more than {Backlog} messages waiting for immediate delivery";

    /// <summary>The deliveries running now (message id, when it started), for the daemon's status.</summary>
    public IReadOnlyCollection<KeyValuePair<string, DateTimeOffset>> Active => [.. _active];

    /// <summary>Messages waiting for a worker.</summary>
    public int Waiting => _ids.Reader.CanCount ? _ids.Reader.Count : 0;

    private async Task WorkAsync()
    {
        await foreach (var (message, done) in _ids.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await DeliverAsync(message).ConfigureAwait(false);
            }
            finally
            {
                done?.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Delivers a message now, on the caller's task rather than a worker's (a local submission's <c>-odi</c>: the
    /// submitter waits for it); completes when the attempt has ended, whatever its outcome.
    /// </summary>
    public async Task DeliverAsync(MessageRef message)
    {
        var id = message.Id;
        if (_stop.IsCancellationRequested) return; // shutting down: the queue runner will have it
        GenerationLease lease;
        try { lease = _store.Acquire(); }
        catch (InvalidOperationException) { return; }
        var entry = EntryFor(lease.Generation);
        var started = Stopwatch.GetTimestamp();
        var (code, completed) = (0, false);
        _active[id] = DateTimeOffset.UtcNow;
        try
        {
            completed = (await entry.Process.Deliverer.DeliverAsync(message, DeliveryOptions.QueueRun, _stop.Token).ConfigureAwait(false)).Outcome == MessageOutcome.Completed;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopping: the message stays queued for the next run.
        }
        catch (Exception e)
        {
            code = 1;
            Failed(_logger, id, e);
        }
        finally
        {
            _active.TryRemove(id, out _);
            await ReleaseAsync(entry).ConfigureAwait(false);
            lease.Dispose();
        }
        _exits?.Report(new ChildExitEvent(ChildExitKind.Delivery, id, null, null, null, code, null, Stopwatch.GetElapsedTime(started), completed ? 1 : 0));
    }

    private Entry EntryFor(Generation generation)
    {
        Entry? retired = null;
        Entry entry;
        lock (_lock)
        {
            if (_current?.Number != generation.Number)
            {
                if (_current is not null)
                {
                    _current.Retired = true;
                    if (_current.InFlight == 0) retired = _current;
                }
                _current = new Entry(generation.Number, new DeliveryProcess(generation, _loggers, _cache, _hints.For(generation)));
            }
            _current.InFlight++;
            entry = _current;
        }
        if (retired is not null) _ = retired.Process.DisposeAsync().AsTask();
        return entry;
    }

    private async Task ReleaseAsync(Entry entry)
    {
        bool dispose;
        lock (_lock) dispose = --entry.InFlight == 0 && entry.Retired;
        if (dispose) await entry.Process.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops taking ids, gives running deliveries <paramref name="grace"/> to finish, then cancels the rest.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        _ids.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_workers).WaitAsync(grace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(_workers).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _ids.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await Task.WhenAll(_workers).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false); }
        catch (TimeoutException) { }
        Entry? last;
        lock (_lock) last = _current;
        if (last is not null) await last.Process.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    [LoggerMessage(EventIds.ImmediateDeliveryFailed, LogLevel.Error, "{Id} immediate delivery failed; the message stays queued")]
    private static partial void Failed(ILogger logger, string id, Exception exception);

    private sealed class Entry(long number, DeliveryProcess process)
    {
        public long Number { get; } = number;
        public DeliveryProcess Process { get; } = process;
        public int InFlight { get; set; }
        public bool Retired { get; set; }
    }
}
