using System.Globalization;
using Exim.Abstractions.Daemon;

namespace Exim.Host.Slots;

/// <summary>The one-minute load average from /proc/loadavg, × 1000, or -1 where it cannot be read.</summary>
internal sealed class ProcLoadAverage : ISystemLoad
{
    public int LoadAverage
    {
        get
        {
            try
            {
                var text = File.ReadAllText("/proc/loadavg");
                var first = text.AsSpan(0, text.IndexOf(' ', StringComparison.Ordinal));
                return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? (int)(load * 1000) : -1;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
            {
                return -1;
            }
        }
    }
}
