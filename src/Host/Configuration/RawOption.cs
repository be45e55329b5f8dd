namespace Exim.Host.Configuration;

/// <summary>A plugin option as written in TOML, with where it was written.</summary>
internal sealed record RawOption(object? Value, int Line, int Column);
