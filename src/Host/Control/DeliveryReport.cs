using System.Text.Json;
using Exim.Abstractions.Diagnostics;

namespace Exim.Host.Control;

/// <summary>
/// What a registered process (a queue runner, <c>exim -M</c>) tells the daemon about its deliveries, so that they count
/// in the daemon's metrics as its own do: one line of JSON on the registration connection,
/// <c>{"deliveries":{"remote_smtp":[delivered,deferred,failed],...}}</c>, with the counts since the previous line
/// (the transport "" is a deferral before routing chose one).
/// </summary>
internal static class DeliveryReport
{
    /// <summary>The longest line the daemon takes; a longer one is dropped.</summary>
    public const int MaxLineBytes = 16 * 1024;

    /// <summary>
    /// The line for what <paramref name="now"/> has more than <paramref name="sent"/> (which it then becomes), or null
    /// when nothing changed.
    /// </summary>
    public static byte[]? Next(IReadOnlyDictionary<string, DeliveryFigures> now, Dictionary<string, DeliveryFigures> sent)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            var any = false;
            foreach (var (transport, figures) in now)
            {
                var before = sent.GetValueOrDefault(transport);
                var delta = new DeliveryFigures(figures.Delivered - before.Delivered, figures.Deferred - before.Deferred, figures.Failed - before.Failed);
                if (delta == default) continue;
                if (!any)
                {
                    w.WriteStartObject();
                    w.WriteStartObject("deliveries");
                    any = true;
                }
                w.WriteStartArray(transport);
                w.WriteNumberValue(delta.Delivered);
                w.WriteNumberValue(delta.Deferred);
                w.WriteNumberValue(delta.Failed);
                w.WriteEndArray();
                sent[transport] = figures;
            }
            if (!any) return null;
            w.WriteEndObject();
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>The most one line may add to one count: more than a process delivers in a report interval.</summary>
    public const long MaxCount = 1_000_000;

    /// <summary>
    /// Adds a report line's counts to this process's metrics; false (and nothing added) for a malformed line, a count above
    /// <see cref="MaxCount"/>, or a transport <paramref name="reportable"/> refuses.
    /// </summary>

    public static bool TryApply(ReadOnlySpan<byte> line, Func<string, bool> reportable)
    {
        var parsed = new List<(string Transport, DeliveryFigures Figures)>();
        try
        {
            var reader = new Utf8JsonReader(line);
            using var json = JsonDocument.ParseValue(ref reader);
            if (json.RootElement.ValueKind != JsonValueKind.Object || !json.RootElement.TryGetProperty("deliveries", out var deliveries)
                || deliveries.ValueKind != JsonValueKind.Object)
            {
                return false;
            }
            foreach (var transport in deliveries.EnumerateObject())
            {
                if (transport.Value.ValueKind != JsonValueKind.Array || transport.Value.GetArrayLength() != 3) return false;
                if (!reportable(transport.Name)) return false;
                var counts = transport.Value.EnumerateArray().Select(c => c.TryGetInt64(out var n) && n is >= 0 and <= MaxCount ? n : -1).ToArray();
                if (counts.Any(c => c < 0)) return false;
                parsed.Add((transport.Name, new DeliveryFigures(counts[0], counts[1], counts[2])));
            }
        }
        catch (JsonException)
        {
            return false;
        }
        foreach (var (transport, figures) in parsed) EximMetrics.Deliveries(transport, figures);
        return true;
    }
}
