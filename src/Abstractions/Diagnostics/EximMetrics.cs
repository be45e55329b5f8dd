using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Exim.Abstractions.Diagnostics;

/// <summary>
/// The daemon's one <see cref="System.Diagnostics.Metrics.Meter"/>, named <see cref="MeterName"/>, with every instrument
/// the core records (names in OpenTelemetry's semantic-convention style: <c>exim.smtp.connection.accepted</c>, ...).
/// The Prometheus and OTLP exporters and <c>dotnet-counters monitor --counters Exim</c> read it.
/// <para>Counters are plain fields bumped with <see cref="Interlocked"/> and published through observable instruments, so
/// recording on the session's hot path costs one atomic add and never allocates, and <see cref="Snapshot"/> reads the
/// same figures (for the control status). Only the hook latency histogram is recorded as it happens.</para>
/// <para>A plugin adds instruments of its own on a meter of its own named <see cref="PluginMeterPrefix"/> + its name
/// (<c>new Meter("Exim.Plugins.greylist")</c>), disposed with the plugin so an unloaded generation leaves nothing
/// behind; the exporters take every meter whose name starts with <c>Exim.</c>.</para>
/// </summary>
public static class EximMetrics
{
    /// <summary>The name of the daemon's meter.</summary>
    public const string MeterName = "Exim";

    /// <summary>The prefix of a plugin's own meter name: <c>Exim.Plugins.&lt;plugin name&gt;</c>.</summary>
    public const string PluginMeterPrefix = "Exim.Plugins.";

    private static readonly Meter Meter = new(MeterName, typeof(EximMetrics).Assembly.GetName().Version?.ToString());

    private static readonly string[] RefusalNames = ["limit", "per_host", "reserve", "load", "host_reject", "hook"];
    private static readonly long[] Refused = new long[RefusalNames.Length];
    private static readonly string[] OutcomeNames = ["delivered", "deferred", "failed"];

    private static long _accepted;
    private static long _sessionsActive;
    private static long _received;
    private static long _receivedBytes;
    private static long _dnsQueries;
    private static long _reloadsOk;
    private static long _reloadsFailed;
    private static long _generation;
    private static long _runnersActive;
    private static readonly ConcurrentDictionary<string, StrongBox> RejectedByStage = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, long[]> DeliveriesByTransport = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, HookFigures> Hooks = new(StringComparer.Ordinal);
    private static readonly Histogram<double> HookDuration;
    private static Func<IReadOnlyList<QueueFigures>>? _queues;
    private static Func<(long Hits, long Misses)>? _hostCache;

    static EximMetrics()
    {
        Meter.CreateObservableCounter("exim.smtp.connection.accepted", () => Volatile.Read(ref _accepted), "{connection}",
            "Connections admitted to an SMTP session");
        Meter.CreateObservableCounter("exim.smtp.connection.refused", ObserveRefused, "{connection}",
            "Connections refused before their session, by reason");
        Meter.CreateObservableUpDownCounter("exim.smtp.session.active", () => Volatile.Read(ref _sessionsActive), "{session}",
            "SMTP sessions running");
        Meter.CreateObservableCounter("exim.message.received", () => Volatile.Read(ref _received), "{message}",
            "Messages received and spooled");
        Meter.CreateObservableCounter("exim.message.received.size", () => Volatile.Read(ref _receivedBytes), "By",
            "Bytes of the messages received (S= of the <= lines)");
        Meter.CreateObservableCounter("exim.message.rejected", ObserveRejected, "{rejection}",
            "Refusals of a message, a recipient or a connection stage, by SMTP stage");
        Meter.CreateObservableCounter("exim.delivery", ObserveDeliveries, "{delivery}",
            "Recipient delivery attempts by outcome and transport (the daemon's, and those of the queue runners and deliveries registered with it)");
        Meter.CreateObservableGauge("exim.queue.size", ObserveQueueSizes, "{message}", "Messages in each queue");
        Meter.CreateObservableGauge("exim.queue.oldest_message.age", ObserveQueueAges, "s", "Age of the oldest message in each queue");
        Meter.CreateObservableCounter("exim.dns.queries", () => Volatile.Read(ref _dnsQueries), "{query}",
            "DNS queries sent (host-cache misses included)");
        Meter.CreateObservableCounter("exim.dns.cache.lookups", ObserveHostCache, "{lookup}", "Host-cache lookups, by hit or miss");
        Meter.CreateObservableCounter("exim.hook.invocations", () => ObserveHooks(static h => h.Invocations), "{invocation}",
            "Hook script invocations");
        Meter.CreateObservableCounter("exim.hook.timeouts", () => ObserveHooks(static h => h.Timeouts), "{timeout}",
            "Hook script invocations that ran past their timeout");
        Meter.CreateObservableCounter("exim.hook.exceptions", () => ObserveHooks(static h => h.Exceptions), "{exception}",
            "Hook script invocations that threw");
        HookDuration = Meter.CreateHistogram<double>("exim.hook.duration", "s", "How long hook script invocations took",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30] });
        Meter.CreateObservableCounter("exim.config.reloads", ObserveReloads, "{reload}", "Configuration reloads, by result");
        Meter.CreateObservableGauge("exim.config.generation", () => Volatile.Read(ref _generation), "{generation}",
            "The number of the generation in force");
        Meter.CreateObservableUpDownCounter("exim.queue.runners.active", () => Volatile.Read(ref _runnersActive), "{process}",
            "Queue-runner processes running");
    }

    /// <summary>Counts a connection refused before its session (a limits step calls this when it refuses).</summary>
    /// <param name="reason">Which limit or stage refused it.</param>
    public static void ConnectionRefused(RefusalReason reason) => Interlocked.Increment(ref Refused[(int)reason]);

    internal static void ConnectionAccepted() => Interlocked.Increment(ref _accepted);

    internal static void SessionStarted() => Interlocked.Increment(ref _sessionsActive);

    internal static void SessionEnded() => Interlocked.Decrement(ref _sessionsActive);

    internal static void MessageReceived(long size)
    {
        Interlocked.Increment(ref _received);
        Interlocked.Add(ref _receivedBytes, size);
    }

    /// <summary>Counts a refusal at <paramref name="stage"/> (<c>connect</c>, <c>helo</c>, <c>mail</c>, <c>rcpt</c>, <c>predata</c>, <c>data</c>, ...): a constant.</summary>
    internal static void Rejected(string stage) => Interlocked.Increment(ref RejectedByStage.GetOrAdd(stage, static _ => new StrongBox()).Value);

    internal static void Delivery(string transport, DeliveryOutcome outcome)
        => Interlocked.Increment(ref DeliveriesByTransport.GetOrAdd(transport, static _ => new long[3])[(int)outcome]);

    /// <summary>Adds the deliveries another exim process made (a queue runner or <c>exim -M</c> reporting to the daemon).</summary>
    internal static void Deliveries(string transport, DeliveryFigures figures)
    {
        var counts = DeliveriesByTransport.GetOrAdd(transport, static _ => new long[3]);
        Interlocked.Add(ref counts[(int)DeliveryOutcome.Delivered], figures.Delivered);
        Interlocked.Add(ref counts[(int)DeliveryOutcome.Deferred], figures.Deferred);
        Interlocked.Add(ref counts[(int)DeliveryOutcome.Failed], figures.Failed);
    }

    internal static void DnsQuery() => Interlocked.Increment(ref _dnsQueries);

    /// <summary>Records one hook invocation: its duration, and whether it timed out or threw.</summary>
    internal static void Hook(string hook, TimeSpan elapsed, bool timedOut, bool threw)
    {
        var figures = Hooks.GetOrAdd(hook, static _ => new HookFigures());
        Interlocked.Increment(ref figures.Invocations);
        if (timedOut) Interlocked.Increment(ref figures.Timeouts);
        if (threw) Interlocked.Increment(ref figures.Exceptions);
        HookDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("exim.hook", hook));
    }

    internal static void Reload(bool ok, long generation)
    {
        Interlocked.Increment(ref ok ? ref _reloadsOk : ref _reloadsFailed);
        if (ok) Volatile.Write(ref _generation, generation);
    }

    internal static void GenerationInForce(long generation) => Volatile.Write(ref _generation, generation);

    internal static void RunnerStarted() => Interlocked.Increment(ref _runnersActive);

    internal static void RunnerEnded() => Interlocked.Decrement(ref _runnersActive);

    /// <summary>Where the queue gauges come from (the daemon sets it; it is read only when an exporter collects).</summary>
    internal static void UseQueues(Func<IReadOnlyList<QueueFigures>>? queues) => Volatile.Write(ref _queues, queues);

    /// <summary>Where the host cache's hit and miss counts are read (the daemon's one cache counts them itself).</summary>
    internal static void UseHostCache(Func<(long Hits, long Misses)>? hostCache) => Volatile.Write(ref _hostCache, hostCache);

    /// <summary>The current figures, for the control status.</summary>
    internal static MetricsSnapshot Snapshot()
    {
        var refused = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < RefusalNames.Length; i++) refused[RefusalNames[i]] = Volatile.Read(ref Refused[i]);
        var deliveries = new Dictionary<string, DeliveryFigures>(StringComparer.Ordinal);
        foreach (var (transport, counts) in DeliveriesByTransport)
        {
            deliveries[transport] = new DeliveryFigures(Volatile.Read(ref counts[0]), Volatile.Read(ref counts[1]), Volatile.Read(ref counts[2]));
        }
        var hooks = new Dictionary<string, HookSnapshot>(StringComparer.Ordinal);
        foreach (var (hook, h) in Hooks) hooks[hook] = new HookSnapshot(Volatile.Read(ref h.Invocations), Volatile.Read(ref h.Timeouts), Volatile.Read(ref h.Exceptions));
        var rejected = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (stage, box) in RejectedByStage) rejected[stage] = Volatile.Read(ref box.Value);
        var cache = Volatile.Read(ref _hostCache)?.Invoke() ?? (0, 0);
        return new MetricsSnapshot(
            Volatile.Read(ref _accepted), refused, Volatile.Read(ref _sessionsActive), Volatile.Read(ref _received), Volatile.Read(ref _receivedBytes),
            rejected, deliveries, Volatile.Read(ref _queues)?.Invoke() ?? [], Volatile.Read(ref _dnsQueries), cache.Hits,
            cache.Misses, hooks, Volatile.Read(ref _reloadsOk), Volatile.Read(ref _reloadsFailed), Volatile.Read(ref _generation),
            Volatile.Read(ref _runnersActive));
    }

    private static IEnumerable<Measurement<long>> ObserveRefused()
    {
        for (var i = 0; i < RefusalNames.Length; i++)
        {
            yield return new Measurement<long>(Volatile.Read(ref Refused[i]), new KeyValuePair<string, object?>("exim.refusal.reason", RefusalNames[i]));
        }
    }

    private static IEnumerable<Measurement<long>> ObserveRejected()
    {
        foreach (var (stage, box) in RejectedByStage) yield return new Measurement<long>(Volatile.Read(ref box.Value), new KeyValuePair<string, object?>("exim.smtp.stage", stage));
    }

    private static IEnumerable<Measurement<long>> ObserveDeliveries()
    {
        foreach (var (transport, counts) in DeliveriesByTransport)
        {
            for (var i = 0; i < OutcomeNames.Length; i++)
            {
                yield return new Measurement<long>(Volatile.Read(ref counts[i]),
                    new KeyValuePair<string, object?>("exim.delivery.outcome", OutcomeNames[i]), new KeyValuePair<string, object?>("exim.transport", transport));
            }
        }
    }

    private static string QueueTag(string name) => name.Length == 0 ? "default" : name;

    private static IEnumerable<Measurement<long>> ObserveQueueSizes()
    {
        foreach (var q in Volatile.Read(ref _queues)?.Invoke() ?? []) yield return new Measurement<long>(q.Messages, new KeyValuePair<string, object?>("exim.queue", QueueTag(q.Name)));
    }

    private static IEnumerable<Measurement<double>> ObserveQueueAges()
    {
        foreach (var q in Volatile.Read(ref _queues)?.Invoke() ?? []) yield return new Measurement<double>(q.OldestAge.TotalSeconds, new KeyValuePair<string, object?>("exim.queue", QueueTag(q.Name)));
    }

    private static IEnumerable<Measurement<long>> ObserveHostCache()
    {
        if (Volatile.Read(ref _hostCache)?.Invoke() is not { } cache) yield break;
        yield return new Measurement<long>(cache.Hits, new KeyValuePair<string, object?>("exim.cache.result", "hit"));
        yield return new Measurement<long>(cache.Misses, new KeyValuePair<string, object?>("exim.cache.result", "miss"));
    }

    private static IEnumerable<Measurement<long>> ObserveHooks(Func<HookFigures, long> figure)
    {
        foreach (var (hook, h) in Hooks) yield return new Measurement<long>(figure(h), new KeyValuePair<string, object?>("exim.hook", hook));
    }

    private static IEnumerable<Measurement<long>> ObserveReloads()
    {
        yield return new Measurement<long>(Volatile.Read(ref _reloadsOk), new KeyValuePair<string, object?>("exim.reload.result", "ok"));
        yield return new Measurement<long>(Volatile.Read(ref _reloadsFailed), new KeyValuePair<string, object?>("exim.reload.result", "failed"));
    }

    private sealed class StrongBox
    {
        public long Value;
    }

    private sealed class HookFigures
    {
        public long Invocations;
        public long Timeouts;
        public long Exceptions;
    }
}
