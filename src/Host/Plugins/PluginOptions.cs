using System.Collections.Frozen;
using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Abstractions.Plugins;
using Exim.Host.Configuration;

namespace Exim.Host.Plugins;

/// <summary>
/// A plugin's option table (or an authenticator's, read by its driver); remembers which keys were read so the rest can be
/// reported as unknown.
/// </summary>
/// <param name="configPath">The configuration file, for positions.</param>
/// <param name="where">How messages name the table: <c>[plugins.dns-resolver]</c>, <c>authenticators "plain"</c>.</param>
/// <param name="options">The keys and their values and positions.</param>
/// <param name="handled">Keys the core has read already (they are neither unknown nor offered again).</param>
/// <param name="anchor">The key whose place a missing key's error points at (an authenticator's <c>name</c>), if any.</param>
internal sealed class PluginOptions(string configPath, string where, FrozenDictionary<string, RawOption> options, IEnumerable<string>? handled = null,
    string? anchor = null) : IPluginOptions, Exim.Mail.Routing.Drivers.IOptionPositions
{
    private readonly HashSet<string> _read = new(handled ?? [], StringComparer.Ordinal);
    private readonly FrozenDictionary<string, RawOption> _options = options;

    public PluginOptions(PluginSection section) : this(section.ConfigPath, $"[plugins.{section.Name}]", section.Options)
    {
    }

    public IReadOnlyCollection<string> Keys => _options.Keys;

    /// <summary>The configuration file.</summary>
    public string ConfigPath => configPath;

    /// <summary>How messages name the table (<c>transports "remote_smtp"</c>).</summary>
    public string Where => where;

    /// <summary>
    /// Every key not read yet, with its value and position, now marked read: for the built-in drivers, which bind their
    /// options through the core's option table (and report unknown keys themselves).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, RawOption>> TakeUnread()
    {
        var unread = _options.Where(o => !_read.Contains(o.Key)).ToList();
        foreach (var (key, _) in unread) _read.Add(key);
        return unread;
    }

    public IEnumerable<string> UnreadKeys => _options.Keys.Where(k => !_read.Contains(k));

    public ConfigDiagnostic Position(string key, string message)
        => _options.TryGetValue(key, out var raw) || (anchor is not null && _options.TryGetValue(anchor, out raw))
            ? new ConfigDiagnostic(configPath, raw.Line, raw.Column, message)
            : new ConfigDiagnostic(configPath, 0, 0, message);

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
        return new EximConfigException(Position(key, $"invalid value for \"{key}\" in {where}: {message}"));
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
