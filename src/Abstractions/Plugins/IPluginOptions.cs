using System.Collections.Immutable;

namespace Exim.Abstractions.Plugins;

/// <summary>
/// Typed, position-aware access to a plugin's options. Each getter returns <see langword="null"/> when the
/// key is absent and throws <see cref="Config.EximConfigException"/> (naming file, line and column) when the
/// value has the wrong type or form. Reading a key marks it as known.
/// </summary>
public interface IPluginOptions
{
    /// <summary>All keys present in the table.</summary>
    IReadOnlyCollection<string> Keys { get; }

    /// <summary>A string value.</summary>
    string? GetString(string key);

    /// <summary>An integer value.</summary>
    long? GetInt64(string key);

    /// <summary>A boolean value.</summary>
    bool? GetBoolean(string key);

    /// <summary>A time in Exim's form (<c>"30s"</c>, <c>"5m"</c>, <c>"1h30m"</c>) or an integer number of seconds.</summary>
    TimeSpan? GetTime(string key);

    /// <summary>A size in Exim's form (<c>"50M"</c>, <c>"10K"</c>) or an integer number of bytes.</summary>
    long? GetSize(string key);

    /// <summary>A list: a TOML array of strings, or a string in Exim's list syntax (<c>"a : b"</c>, <c>"&lt;; a ; b"</c>).</summary>
    ImmutableArray<string>? GetList(string key);

    /// <summary>Builds the exception to throw for a value that has the right type but is out of range or malformed.</summary>
    /// <param name="key">The offending key.</param>
    /// <param name="message">What is wrong with it.</param>
    Exception Invalid(string key, string message);
}
