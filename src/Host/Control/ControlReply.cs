using System.Buffers;
using System.Text.Json;

namespace Exim.Host.Control;

/// <summary>Writes the daemon's answers: one JSON object on one line, with the protocol version and whether it succeeded.</summary>
internal static class ControlReply
{
    public static byte[] Ok(Action<Utf8JsonWriter>? fields = null) => Write(true, fields);

    public static byte[] Error(string message, IEnumerable<string>? details = null) => Write(false, w =>
    {
        w.WriteString("error", message);
        if (details is null) return;
        w.WriteStartArray("errors");
        foreach (var d in details) w.WriteStringValue(d);
        w.WriteEndArray();
    });

    private static byte[] Write(bool ok, Action<Utf8JsonWriter>? fields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("version", ControlProtocol.Version);
            w.WriteBoolean("ok", ok);
            fields?.Invoke(w);
            w.WriteEndObject();
        }
        return [.. buffer.WrittenSpan, (byte)'\n'];
    }
}
