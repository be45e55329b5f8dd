using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Exim.Host.Control;

/// <summary>
/// The daemon's status as <c>exiwhat</c> shows Exim's processes: one line per process, <c>%5d text</c>, the texts Exim's
/// processes set (<c>daemon(4.96): ...</c>, <c>handling incoming connection from [ip]</c>, <c>delivering &lt;id&gt;</c>).
/// Sessions and immediate deliveries run inside the daemon, so their lines carry its pid; each session line adds its
/// connection id, SMTP state and age. Processes started by other commands show what they registered.
/// </summary>
internal static class ExiwhatFormat
{
    public static string Format(JsonElement status)
    {
        var sb = new StringBuilder();
        var pid = status.GetProperty("pid").GetInt32();
        var daemon = status.GetProperty("description").GetString();
        if (!status.GetProperty("accepting").GetBoolean()) daemon += ", accepting paused";
        if (status.GetProperty("draining").GetBoolean()) daemon += ", draining";
        Line(sb, pid, daemon);
        foreach (var s in status.GetProperty("sessions").EnumerateArray())
        {
            Line(sb, pid, string.Create(CultureInfo.InvariantCulture,
                $"handling incoming connection from [{s.GetProperty("client").GetString()}] (Ci={s.GetProperty("id").GetString()}, {s.GetProperty("state").GetString()}, {s.GetProperty("age").GetInt64()}s)"));
        }
        foreach (var d in status.GetProperty("deliveries").EnumerateArray())
        {
            Line(sb, pid, $"delivering {d.GetProperty("id").GetString()}");
        }
        var others = new SortedDictionary<int, string>();
        foreach (var r in status.GetProperty("queue_runners").EnumerateArray())
        {
            others[r.GetProperty("pid").GetInt32()] = $"queue runner started by the daemon: exim {r.GetProperty("arguments").GetString()}";
        }
        foreach (var p in status.GetProperty("processes").EnumerateArray())
        {
            others[p.GetProperty("pid").GetInt32()] = p.GetProperty("description").GetString() ?? ""; // its own words win
        }
        foreach (var (other, text) in others) Line(sb, other, text);
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, int pid, string? text)
        => sb.Append(pid.ToString(CultureInfo.InvariantCulture).PadLeft(5)).Append(' ').Append(text).Append('\n');
}
