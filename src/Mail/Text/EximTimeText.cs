using System.Globalization;
using System.Text;

namespace Exim.Mail.Text;

/// <summary>Exim's way of printing a time (readconf_printtime), shared by the configuration and the ratelimit keys.</summary>
internal static class EximTimeText
{
    /// <summary>Exim's readconf_printtime form: <c>1w2d3h4m5s</c>, zero parts left out, <c>0s</c> for zero.</summary>
    public static string Format(TimeSpan value)
    {
        var t = (long)value.TotalSeconds;
        var ms = value.Milliseconds;
        if (t <= 0 && ms <= 0) return "0s";
        var sb = new StringBuilder();
        Append(ref t, 604800, 'w');
        Append(ref t, 86400, 'd');
        Append(ref t, 3600, 'h');
        Append(ref t, 60, 'm');
        Append(ref t, 1, 's');
        if (ms > 0) sb.Append(CultureInfo.InvariantCulture, $"{ms}ms");
        return sb.ToString();

        void Append(ref long rest, long unit, char suffix)
        {
            if (rest < unit) return;
            sb.Append(CultureInfo.InvariantCulture, $"{rest / unit}{suffix}");
            rest %= unit;
        }
    }
}
