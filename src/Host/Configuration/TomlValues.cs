using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Exim.Abstractions.Config;
using Exim.Host.Configuration.Values;
using Exim.Mail.Resolution;
using Tomlyn.Model;

namespace Exim.Host.Configuration;

/// <summary>Converts raw TOML values into option values, with Exim's forms for times, sizes, lists and load averages.</summary>
internal static class TomlValues
{
    public static bool TryConvert(object? raw, Type type, OptionKind kind, long min, long max,
        out object? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        error = null;
        if (kind == OptionKind.Size) return Done(TrySize(raw, out var size, out error), size, min, max, ref value, ref error);
        if (kind == OptionKind.FixedPoint) return TryFixedPoint(raw, out value, out error);
        if (kind == OptionKind.Port) return TryPort(raw, out value, out error);
        if (kind == OptionKind.CipherList) return TryString(raw, out value, out error) && Exim.Mail.Tls.TlsCipherSuites.TryParse((string)value!, out _, out error);
        if (type == typeof(string)) return TryString(raw, out value, out error);
        if (type == typeof(bool))
        {
            if (raw is bool b) { value = b; return true; }
            error = $"expected true or false, found {Describe(raw)}";
            return false;
        }
        if (type == typeof(int) || type == typeof(long))
        {
            if (raw is not long l) { error = $"expected an integer, found {Describe(raw)}"; return false; }
            if (type == typeof(int) && (l < int.MinValue || l > int.MaxValue)) { error = $"{l} is out of range"; return false; }
            return Done(true, l, min, max, ref value, ref error) && Cast(type, ref value);
        }
        if (type == typeof(TimeSpan)) return TryTime(raw, out value, out error);
        if (type == typeof(ImmutableArray<string>)) return TryList(raw, kind, out value, out error);
        error = $"unsupported option type {type.Name}";
        return false;
    }

    public static bool TryString(object? raw, out object? value, [NotNullWhen(false)] out string? error)
    {
        value = raw as string;
        error = value is null ? $"expected a string, found {Describe(raw)}" : null;
        return error is null;
    }

    public static bool TryTime(object? raw, out object? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        error = null;
        switch (raw)
        {
            case long seconds when seconds >= 0:
                value = TimeSpan.FromSeconds(seconds);
                return true;
            case string s when EximTime.TryParse(s, out var t):
                value = t.Value;
                return true;
            default:
                error = $"expected a time such as \"30s\", \"5m\" or \"1h30m\", found {Describe(raw)}";
                return false;
        }
    }

    public static bool TrySize(object? raw, out long value, [NotNullWhen(false)] out string? error)
    {
        value = 0;
        error = null;
        switch (raw)
        {
            case long bytes when bytes >= 0:
                value = bytes;
                return true;
            case string s when EximSize.TryParse(s, out value):
                return true;
            default:
                error = $"expected a size such as \"50M\" or \"100K\", found {Describe(raw)}";
                return false;
        }
    }

    public static bool TryList(object? raw, OptionKind kind, out object? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        error = null;
        switch (raw)
        {
            case string s:
                value = EximList.Parse(s);
                return true;
            case TomlArray array:
                var items = ImmutableArray.CreateBuilder<string>(array.Count);
                foreach (var item in array)
                {
                    if (item is string str) items.Add(str.Trim());
                    else if (kind == OptionKind.PortList && item is long)
                    {
                        if (!TryPort(item, out var port, out error)) return false;
                        items.Add((string)port!);
                    }
                    else { error = $"list items must be strings, found {Describe(item)}"; return false; }
                }
                value = items.ToImmutable();
                return true;
            case long when kind == OptionKind.PortList: // daemon_smtp_ports = 2525: a list of one
                if (!TryPort(raw, out var single, out error)) return false;
                value = ImmutableArray.Create((string)single!);
                return true;
            default:
                error = $"expected a list (an array of strings), found {Describe(raw)}";
                return false;
        }
    }

    /// <summary>A port: a TOML integer, or a string holding a number or a service name (getservbyname's), kept as written.</summary>
    private static bool TryPort(object? raw, out object? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        error = null;
        switch (raw)
        {
            case long n:
                value = n.ToString(CultureInfo.InvariantCulture);
                return InRange(n, out error);
            case string s when s.Length > 0 && s.All(char.IsAsciiDigit):
                value = s;
                return InRange(long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var digits) ? digits : long.MaxValue, out error);
            case string s:
                if (!PortNames.TryResolve(s, out _)) { error = $"TCP port \"{s}\" not found"; return false; }
                value = s;
                return true;
            default:
                error = $"expected a port number or service name, found {Describe(raw)}";
                return false;
        }

        static bool InRange(long port, [NotNullWhen(false)] out string? error)
        {
            error = port < 0 ? $"{port} is below the minimum of 0" : port > 65535 ? $"{port} is above the maximum of 65535" : null;
            return error is null;
        }
    }

    private static bool TryFixedPoint(object? raw, out object? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        error = null;
        var ok = raw switch
        {
            double d => EximFixedPoint.TryFrom(d, out var v1) && Set(v1, out value),
            long l => EximFixedPoint.TryFrom(l, out var v2) && Set(v2, out value),
            string s => EximFixedPoint.TryParse(s, out var v3) && Set(v3, out value),
            _ => false,
        };
        if (!ok) error = $"expected a non-negative number such as 2.5, found {Describe(raw)}";
        return ok;

        static bool Set(int v, out object? o) { o = v; return true; }
    }

    private static bool Done(bool ok, long v, long min, long max, ref object? value, ref string? error)
    {
        if (!ok) return false;
        if (v < min) { error = $"{v} is below the minimum of {min}"; return false; }
        if (v > max) { error = $"{v} is above the maximum of {max}"; return false; }
        value = v;
        return true;
    }

    private static bool Cast(Type type, ref object? value)
    {
        if (type == typeof(int)) value = (int)(long)value!;
        return true;
    }

    public static string Describe(object? raw) => raw switch
    {
        null => "nothing",
        string s => $"the string \"{s}\"",
        long l => $"the integer {l}",
        double d => $"the number {d}",
        bool b => b ? "true" : "false",
        TomlArray => "an array",
        TomlTable => "a table",
        TomlTableArray => "an array of tables",
        _ => raw.GetType().Name,
    };
}
