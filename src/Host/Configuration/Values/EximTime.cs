using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Exim.Host.Configuration.Values;

/// <summary>
/// Exim's time values: <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>2d</c>, <c>1w</c>; a bare number is seconds.
/// IMPROVE: <c>ms</c> is accepted too (e.g. <c>100ms</c>), for budgets below a second such as the hook timeout.
/// </summary>
internal static class EximTime
{
    public static bool TryParse(string text, [NotNullWhen(true)] out TimeSpan? value)
    {
        value = null;
        var s = text.Trim();
        if (s.Length == 0) return false;
        long totalMs = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            if (i == start) return false;
            if (!long.TryParse(s.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return false;
            long unit = 1000;
            if (i + 1 < s.Length && char.ToLowerInvariant(s[i]) == 'm' && char.ToLowerInvariant(s[i + 1]) == 's')
            {
                unit = 1;
                i += 2;
            }
            else if (i < s.Length)
            {
                unit = char.ToLowerInvariant(s[i]) switch { 's' => 1000, 'm' => 60_000, 'h' => 3_600_000, 'd' => 86_400_000, 'w' => 604_800_000, _ => 0 };
                if (unit == 0) return false;
                i++;
            }
            else if (start != 0)
            {
                return false; // "1h30" is ambiguous in Exim too
            }
            totalMs = checked(totalMs + n * unit);
        }
        value = TimeSpan.FromMilliseconds(totalMs);
        return true;
    }

    /// <summary>Exim's readconf_printtime form: <c>1w2d3h4m5s</c>, zero parts left out, <c>0s</c> for zero.</summary>
    public static string Format(TimeSpan value) => Mail.Text.EximTimeText.Format(value);
}
