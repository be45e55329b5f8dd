using System.Text.Json;

namespace Exim.Host.Control;

internal sealed partial class DaemonControl
{
    /// <summary>
    /// The status: the daemon (pid, version, uptime, its exiwhat line, accepting or paused, draining), the generation
    /// (number, when built), the listeners, every session (id, client, state, age), every queue runner and delivery,
    /// the processes registered by other commands, the queue sizes and the host cache's hit rate. Ages are in seconds.
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

        w.WriteStartArray("queues");
        foreach (var (name, messages, atLeast) in QueueSizes.Count(generation.Config.Main.SpoolDirectory))
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteNumber("messages", messages);
            if (atLeast) w.WriteBoolean("at_least", true);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        var (hits, misses) = (hostCache.Hits, hostCache.Misses);
        w.WriteStartObject("host_cache");
        w.WriteNumber("hits", hits);
        w.WriteNumber("misses", misses);
        w.WriteNumber("entries", hostCache.Count);
        w.WriteNumber("hit_rate", hits + misses == 0 ? 0 : Math.Round((double)hits / (hits + misses), 4));
        w.WriteEndObject();
    }
}
