using System.Globalization;

namespace Exim.Host.Configuration.Values;

/// <summary>Exim's fixed-point numbers (load averages): value × 1000, up to three decimals.</summary>
internal static class EximFixedPoint
{
    public static bool TryParse(string text, out int value)
    {
        value = 0;
        if (!decimal.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d)) return false;
        return TryFrom((double)d, out value);
    }

    public static bool TryFrom(double d, out int value)
    {
        value = 0;
        if (d < 0 || d > 1_000_000 || double.IsNaN(d)) return false;
        value = (int)Math.Round(d * 1000);
        return true;
    }

    public static string Format(int value)
        => value < 0 ? "" : (value / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
}
