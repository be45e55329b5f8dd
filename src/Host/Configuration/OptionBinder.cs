using Exim.Abstractions.Config;
using Tomlyn.Model;

namespace Exim.Host.Configuration;

/// <summary>Binds one TOML table onto a new config object through its option table, collecting every error.</summary>
internal static class OptionBinder
{
    /// <param name="source">The file, for positions.</param>
    /// <param name="table">The table to bind.</param>
    /// <param name="section">How to name the table in messages, e.g. <c>routers "dnslookup"</c>; empty for the top level.</param>
    /// <param name="driver">For routers and transports: the driver, which restricts the valid keys.</param>
    /// <param name="skip">Keys handled elsewhere (sub-tables of the top level).</param>
    /// <param name="diagnostics">Where errors go.</param>
    public static T Bind<T>(TomlSource source, TomlTable table, string section, string? driver,
        IReadOnlySet<string> skip, List<ConfigDiagnostic> diagnostics) where T : new()
        => Bind<T>(source.Path, table, (key, message) => source.At(table, key, message), section, driver, skip, diagnostics);

    /// <summary>Binds keys already read with their positions (a driver's options, <see cref="RawOption"/>).</summary>
    public static T Bind<T>(string path, IEnumerable<KeyValuePair<string, RawOption>> options, string section, string? driver,
        IReadOnlySet<string> skip, List<ConfigDiagnostic> diagnostics) where T : new()
    {
        var positions = options.ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal);
        return Bind<T>(path, positions.Select(p => KeyValuePair.Create(p.Key, p.Value.Value!)),
            (key, message) => positions.TryGetValue(key, out var raw) ? new ConfigDiagnostic(path, raw.Line, raw.Column, message) : new ConfigDiagnostic(path, 0, 0, message),
            section, driver, skip, diagnostics);
    }

    private static T Bind<T>(string configPath, IEnumerable<KeyValuePair<string, object>> table, Func<string, string, ConfigDiagnostic> at, string section, string? driver,
        IReadOnlySet<string> skip, List<ConfigDiagnostic> diagnostics) where T : new()
    {
        var target = new T();
        var options = OptionTable.For<T>();
        var seen = new HashSet<OptionProperty>();
        var where = section.Length == 0 ? "" : $" in {section}";
        foreach (var (key, raw) in table)
        {
            if (skip.Contains(key)) continue;
            if (!options.ByName.TryGetValue(key, out var option))
            {
                diagnostics.Add(at(key, $"unknown option \"{key}\"{where}"));
                continue;
            }
            if (!seen.Add(option))
            {
                diagnostics.Add(at(key, $"option \"{option.Name}\" is set twice (once as \"{key}\"){where}"));
                continue;
            }
            if (driver is not null && !option.AppliesTo(driver))
            {
                diagnostics.Add(at(key, $"option \"{key}\" is not valid for the {driver} driver{where}"));
                continue;
            }
            if (!TomlValues.TryConvert(raw, option.Type, option.Kind, option.Min, option.Max, out var value, out var error))
            {
                diagnostics.Add(at(key, $"invalid value for \"{key}\"{where}: {error}"));
                continue;
            }
            if (option.Kind == OptionKind.Path && value is string path && path.Length > 0)
            {
                var directory = Path.GetDirectoryName(configPath)!;
                // log_file_path is Exim's colon-separated list ("syslog", an empty item for the default file): each file is resolved.
                value = key == "log_file_path"
                    ? string.Join(':', path.Split(':').Select(item => item.Trim() is "" or "syslog" ? item : Path.GetFullPath(item, directory)))
                    : Path.GetFullPath(path, directory);
            }
            option.SetValue(target, value);
        }
        return target;
    }
}
