using System.Globalization;
using System.Text;
using Exim.Abstractions.Daemon;

namespace Exim.Host.Slots;

/// <summary>
/// The one-minute load average from /proc/loadavg, × 1000, or -1 where it cannot be read. A reading is kept for a second:
/// the kernel recomputes the average only every five seconds, and sessions ask at every MAIL (queue_only_load and its
/// kin), where an open, a read and a close of /proc/loadavg with File.ReadAllText's buffers was a fifth of what receiving
/// a message allocated.
/// </summary>
internal sealed class ProcLoadAverage(TimeProvider time, string path = "/proc/loadavg") : ISystemLoad
{
    private static readonly TimeSpan KeptFor = TimeSpan.FromSeconds(1);
    private Reading? _last;

    public ProcLoadAverage()
        : this(TimeProvider.System)
    {
    }

    public int LoadAverage
    {
        get
        {
            var now = time.GetTimestamp();
            if (Volatile.Read(ref _last) is { } last && time.GetElapsedTime(last.At, now) < KeptFor) return last.Value;
            var value = Read();
            Volatile.Write(ref _last, new Reading(value, now));
            return value;
        }
    }

    private int Read()
    {
        try
        {
            using var handle = File.OpenHandle(path);
            Span<byte> buffer = stackalloc byte[128];
            var text = buffer[..RandomAccess.Read(handle, buffer, 0)];
            var space = text.IndexOf((byte)' ');
            if (space < 0) return -1;
            Span<char> chars = stackalloc char[space];
            Encoding.ASCII.GetChars(text[..space], chars);
            return double.TryParse(chars, NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? (int)(load * 1000) : -1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private sealed record Reading(int Value, long At);
}
