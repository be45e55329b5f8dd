using Exim.Abstractions.Config;
using Tomlyn.Model;
using Tomlyn.Serialization;

namespace Exim.Host.Configuration;

/// <summary>A parsed TOML file with the positions of its keys, for error messages.</summary>
internal sealed class TomlSource(string path, TomlTable root, TomlMetadataStore metadata)
{
    public string Path { get; } = path;

    public TomlTable Root { get; } = root;

    public ConfigDiagnostic At(TomlTable table, string key, string message)
    {
        if (metadata.TryGetProperties(table, out var props) && props is not null
            && props.TryGetProperty(key, out var prop) && prop?.Span is { } span)
        {
            return new ConfigDiagnostic(Path, span.Start.Line + 1, span.Start.Column + 1, message);
        }
        return new ConfigDiagnostic(Path, 0, 0, message);
    }

    public ConfigDiagnostic File(string message) => new(Path, 0, 0, message);
}
