using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Exim.Host.Configuration.Values;

/// <summary>Exim's time values: <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>2d</c>, <c>1w</c>; a bare number is seconds.</summary>
internal static class EximTime
{
    public static bool TryParse(string text, [NotNullWhen(true)] out TimeSpan? value)
    {
        value = null;
        var s = text.Trim();
        if (s.Length == 0) return false;
        long total = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            if (i == start) return false;
            if (!long.TryParse(s.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return false;
            long unit = 1;
            if (i < s.Length)
            {
                unit = char.ToLowerInvariant(s[i]) switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, 'w' => 604800, _ => 0 };
                if (unit == 0) return false;
                i++;
            }
            else if (start != 0)
            {
                return false; // "1h30" is ambiguous in Exim too
            }
            total = checked(total + n * unit);
        }
        value = TimeSpan.FromSeconds(total);
        return true;
    }

    /// <summary>Exim's readconf_printtime form: <c>1w2d3h4m5s</c>, zero parts left out, <c>0s</c> for zero.</summary>
    public static string Format(TimeSpan value)
    {
        var t = (long)value.TotalSeconds;
        if (t <= 0) return "0s";
        var sb = new StringBuilder();
        Append(ref t, 604800, 'w');
        Append(ref t, 86400, 'd');
        Append(ref t, 3600, 'h');
        Append(ref t, 60, 'm');
        Append(ref t, 1, 's');
        return sb.ToString();

        void Append(ref long rest, long unit, char suffix)
        {
            if (rest < unit) return;
            sb.Append(CultureInfo.InvariantCulture, $"{rest / unit}{suffix}");
            rest %= unit;
        }
    }
}
