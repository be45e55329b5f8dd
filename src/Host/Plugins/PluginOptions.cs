using System.Collections.Frozen;
using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Abstractions.Plugins;
using Exim.Host.Configuration;

namespace Exim.Host.Plugins;

/// <summary>A plugin's option table; remembers which keys the plugin read so the rest can be reported as unknown.</summary>
internal sealed class PluginOptions(PluginSection section) : IPluginOptions
{
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly FrozenDictionary<string, RawOption> _options = section.Options;

    public IReadOnlyCollection<string> Keys => _options.Keys;

    public IEnumerable<string> UnreadKeys => _options.Keys.Where(k => !_read.Contains(k));

    public ConfigDiagnostic Position(string key, string message)
        => _options.TryGetValue(key, out var raw)
            ? new ConfigDiagnostic(section.ConfigPath, raw.Line, raw.Column, message)
            : new ConfigDiagnostic(section.ConfigPath, 0, 0, message);

    public string? GetString(string key) => Get(key, static (raw, out value, out error) => TomlValues.TryString(raw, out value, out error)) as string;

    public long? GetInt64(string key) => (long?)Get(key, static (object? raw, out object? value, out string? error) =>
    {
        value = raw as long?;
        error = value is null ? $"expected an integer, found {TomlValues.Describe(raw)}" : null;
        return error is null;
    });

    public bool? GetBoolean(string key) => (bool?)Get(key, static (object? raw, out object? value, out string? error) =>
    {
        value = raw as bool?;
        error = value is null ? $"expected true or false, found {TomlValues.Describe(raw)}" : null;
        return error is null;
    });

    public TimeSpan? GetTime(string key) => (TimeSpan?)Get(key, static (raw, out value, out error) => TomlValues.TryTime(raw, out value, out error));

    public long? GetSize(string key) => (long?)Get(key, static (object? raw, out object? value, out string? error) =>
    {
        var ok = TomlValues.TrySize(raw, out var size, out error);
        value = ok ? size : null;
        return ok;
    });

    public ImmutableArray<string>? GetList(string key) => (ImmutableArray<string>?)Get(key, static (raw, out value, out error) => TomlValues.TryList(raw, OptionKind.Default, out value, out error));

    public Exception Invalid(string key, string message)
    {
        _read.Add(key);
        return new EximConfigException(Position(key, $"invalid value for \"{key}\" in [plugins.{section.Name}]: {message}"));
    }

    private delegate bool Converter(object? raw, out object? value, out string? error);

    private object? Get(string key, Converter convert)
    {
        _read.Add(key);
        if (!_options.TryGetValue(key, out var raw)) return null;
        if (!convert(raw.Value, out var value, out var error)) throw Invalid(key, error!);
        return value;
    }
}
