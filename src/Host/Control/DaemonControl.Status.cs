using System.Text.Json;
using Exim.Abstractions.Diagnostics;

namespace Exim.Host.Control;

internal sealed partial class DaemonControl
{
    /// <summary>
    /// The status: the daemon (pid, version, uptime, its exiwhat line, accepting or paused, draining, smtp_accept_max as
    /// configured and as the descriptors let it apply, with RLIMIT_NOFILE), the generation
    /// (number, when built), the listeners, every session (id, client, state, age), every queue runner and delivery,
    /// the processes registered by other commands, the queues (size, oldest message), the host cache's hit rate and the
    /// metrics' counters (EximMetrics: the figures the Prometheus endpoint shows). Ages are in seconds.
    /// </summary>
    private void WriteStatus(Utf8JsonWriter w)
    {
        var now = DateTimeOffset.UtcNow;
        var generation = store.Current;
        w.WriteNumber("pid", Environment.ProcessId);
        w.WriteString("exim_version", EximVersion.Number);
        WriteAge(w, _started, now);
        w.WriteString("description", DaemonLine);
        w.WriteBoolean("accepting", !listeners.Gate.IsPaused);
        w.WriteBoolean("draining", Draining);
        w.WriteStartObject("smtp_accept_max");
        w.WriteNumber("configured", Capacity.Configured);
        w.WriteNumber("effective", Capacity.Effective);
        if (Capacity.DescriptorLimit is { } limit) w.WriteNumber("rlimit_nofile", limit);
        w.WriteEndObject();

        w.WriteStartObject("generation");
        w.WriteNumber("number", generation.Number);
        w.WriteString("built", generation.Built.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteString("config", generation.Config.SourcePath);
        w.WriteEndObject();

        w.WriteStartArray("listeners");
        foreach (var l in listeners.Current)
        {
            w.WriteStartObject();
            w.WriteString("address", l.EndPoint.Address.ToString());
            w.WriteNumber("port", l.EndPoint.Port);
            if (l.Backlog is { } backlog) w.WriteNumber("backlog", backlog);
            if (l.Waiting is { } waiting) w.WriteNumber("waiting", waiting);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("sessions");
        foreach (var s in slots.Snapshot().OrderBy(s => s.Started))
        {
            w.WriteStartObject();
            w.WriteString("id", s.Id);
            w.WriteString("client", s.Client.ToString());
            w.WriteString("state", s.State);
            WriteAge(w, s.Started, now);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("queue_runners");
        foreach (var r in runners.Running.OrderBy(r => r.Started))
        {
            w.WriteStartObject();
            w.WriteNumber("pid", r.Pid);
            w.WriteString("arguments", r.Arguments);
            if (r.QueueName is { } name) w.WriteString("queue", name);
            WriteAge(w, r.Started, now);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("deliveries");
        foreach (var (id, started) in (Immediate?.Active ?? []).OrderBy(d => d.Value))
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            WriteAge(w, started, now);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("deliveries_waiting", Immediate?.Waiting ?? 0);

        w.WriteStartArray("processes");
        foreach (var p in Registered.Current.OrderBy(p => p.Started))
        {
            w.WriteStartObject();
            w.WriteNumber("pid", p.Pid);
            w.WriteNumber("uid", p.Uid);
            w.WriteString("description", p.Description);
            WriteAge(w, p.Started, now);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        // The same figures the metrics export (EximMetrics), read fresh here: the queues, the host cache, and the counters.
        w.WriteStartArray("queues");
        foreach (var queue in Metrics.QueueFiguresReader.ReadNow(generation.Config.Main.SpoolDirectory, now))
        {
            w.WriteStartObject();
            w.WriteString("name", queue.Name);
            w.WriteNumber("messages", queue.Messages);
            if (queue.AtLeast) w.WriteBoolean("at_least", true);
            w.WriteNumber("oldest_age", Math.Round(queue.OldestAge.TotalSeconds));
            w.WriteEndObject();
        }
        w.WriteEndArray();

        var figures = EximMetrics.Snapshot();
        var (hits, misses) = (figures.HostCacheHits, figures.HostCacheMisses);
        w.WriteStartObject("host_cache");
        w.WriteNumber("hits", hits);
        w.WriteNumber("misses", misses);
        w.WriteNumber("entries", hostCache.Count);
        w.WriteNumber("hit_rate", hits + misses == 0 ? 0 : Math.Round((double)hits / (hits + misses), 4));
        w.WriteEndObject();
        WriteCounters(w, figures);
    }

    /// <summary>The counters of <see cref="EximMetrics"/> since the daemon started, as the Prometheus endpoint shows them.</summary>
    private static void WriteCounters(Utf8JsonWriter w, MetricsSnapshot m)
    {
        w.WriteStartObject("counters");
        w.WriteNumber("connections_accepted", m.ConnectionsAccepted);
        WriteMap(w, "connections_refused", m.ConnectionsRefused);
        w.WriteNumber("messages_received", m.MessagesReceived);
        w.WriteNumber("bytes_received", m.BytesReceived);
        WriteMap(w, "rejected", m.RejectedByStage);
        w.WriteStartObject("deliveries");
        foreach (var (transport, d) in m.DeliveriesByTransport.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject(transport.Length == 0 ? "(none)" : transport);
            w.WriteNumber("delivered", d.Delivered);
            w.WriteNumber("deferred", d.Deferred);
            w.WriteNumber("failed", d.Failed);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteNumber("dns_queries", m.DnsQueries);
        w.WriteStartObject("hooks");
        foreach (var (hook, h) in m.Hooks.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject(hook);
            w.WriteNumber("invocations", h.Invocations);
            w.WriteNumber("timeouts", h.Timeouts);
            w.WriteNumber("exceptions", h.Exceptions);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteNumber("reloads_ok", m.ReloadsOk);
        w.WriteNumber("reloads_failed", m.ReloadsFailed);
        w.WriteEndObject();
    }

    private static void WriteMap(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, long> values)
    {
        w.WriteStartObject(name);
        foreach (var (key, value) in values.OrderBy(v => v.Key, StringComparer.Ordinal)) w.WriteNumber(key, value);
        w.WriteEndObject();
    }
}
