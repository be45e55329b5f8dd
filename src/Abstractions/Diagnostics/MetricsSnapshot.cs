namespace Exim.Abstractions.Diagnostics;

/// <summary>The figures of <see cref="EximMetrics"/> at one moment, for the control status (keys as the metrics' tags).</summary>
internal sealed record MetricsSnapshot(
    long ConnectionsAccepted,
    IReadOnlyDictionary<string, long> ConnectionsRefused,
    long SessionsActive,
    long MessagesReceived,
    long BytesReceived,
    IReadOnlyDictionary<string, long> RejectedByStage,
    IReadOnlyDictionary<string, DeliveryFigures> DeliveriesByTransport,
    IReadOnlyList<QueueFigures> Queues,
    long DnsQueries,
    long HostCacheHits,
    long HostCacheMisses,
    IReadOnlyDictionary<string, HookSnapshot> Hooks,
    long ReloadsOk,
    long ReloadsFailed,
    long Generation,
    long RunnersActive);

/// <summary>One transport's recipient outcomes.</summary>
internal readonly record struct DeliveryFigures(long Delivered, long Deferred, long Failed);

/// <summary>One hook's invocations, timeouts and exceptions.</summary>
internal readonly record struct HookSnapshot(long Invocations, long Timeouts, long Exceptions);

/// <summary>
/// One queue: its name ("" for Exim's unnamed queue, exported with the tag <c>default</c>), how many messages (at least,
/// when <paramref name="AtLeast"/>: the count stopped at its bound), and the oldest one's age.
/// </summary>
internal readonly record struct QueueFigures(string Name, long Messages, TimeSpan OldestAge, bool AtLeast = false);
