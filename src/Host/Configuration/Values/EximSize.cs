using System.Globalization;

namespace Exim.Host.Configuration.Values;

/// <summary>Exim's size values: a number with an optional K, M or G suffix (powers of 1024).</summary>
internal static class EximSize
{
    public static bool TryParse(string text, out long value)
    {
        value = 0;
        var s = text.Trim();
        if (s.Length == 0) return false;
        long multiplier = char.ToUpperInvariant(s[^1]) switch { 'K' => 1024L, 'M' => 1024L * 1024, 'G' => 1024L * 1024 * 1024, _ => 1 };
        var digits = multiplier == 1 ? s : s[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return false;
        try { value = checked(n * multiplier); } catch (OverflowException) { return false; }
        return true;
    }

    public static string Format(long value) => value switch
    {
        0 => "0",
        _ when value % (1024L * 1024 * 1024) == 0 => $"{value / (1024L * 1024 * 1024)}G",
        _ when value % (1024L * 1024) == 0 => $"{value / (1024L * 1024)}M",
        _ when value % 1024 == 0 => $"{value / 1024}K",
        _ => value.ToString(CultureInfo.InvariantCulture),
    };
}
