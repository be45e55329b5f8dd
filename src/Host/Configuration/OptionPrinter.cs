using System.Collections.Immutable;
using System.Globalization;
using Exim.Abstractions.Config;
using Exim.Host.Configuration.Values;

namespace Exim.Host.Configuration;

/// <summary>Prints options the way <c>exim -bP</c> does: <c>name = value</c>, and <c>name</c> / <c>no_name</c> for booleans.</summary>
internal static class OptionPrinter
{
    public static string Line(OptionProperty option, object target, bool withName = true)
    {
        var value = option.GetValue(target);
        if (value is bool b)
        {
            return withName ? (b ? option.Name : "no_" + option.Name) : (b ? "true" : "false");
        }
        var text = option.Hidden && value is not null ? "<value not displayable>" : Format(option, value);
        return withName ? $"{option.Name} = {text}" : text;
    }

    public static string Format(OptionProperty option, object? value) => value switch
    {
        null => "",
        string s => s,
        TimeSpan t => EximTime.Format(t),
        ImmutableArray<string> list => EximList.Format(list),
        long l when option.Kind == OptionKind.Size => EximSize.Format(l),
        int i when option.Kind == OptionKind.FixedPoint => EximFixedPoint.Format(i),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>An option as written in the file, for options the core does not know (a driver's): booleans as Exim prints them, lists joined.</summary>
    public static string Raw(string name, object? value, bool withName = true)
    {
        if (value is bool b) return withName ? (b ? name : "no_" + name) : (b ? "true" : "false");
        var text = value switch
        {
            null => "",
            string s => s,
            IEnumerable<object> items => EximList.Format([.. items.Select(i => Convert.ToString(i, CultureInfo.InvariantCulture) ?? "")]),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return withName ? $"{name} = {text}" : text;
    }
}
