namespace Exim.Abstractions.Config;

/// <summary>Marks a configuration property with its Exim option name (snake_case, as in Exim's manual).</summary>
/// <param name="name">The TOML key.</param>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
internal sealed class EximOptionAttribute(string name) : Attribute
{
    /// <summary>The TOML key.</summary>
    public string Name { get; } = name;

    /// <summary>How the value is read and printed when the property type alone does not say.</summary>
    public OptionKind Kind { get; init; }

    /// <summary>For router and transport options: the drivers that accept this option, comma-separated; empty means every driver.</summary>
    public string Drivers { get; init; } = "";

    /// <summary>The smallest allowed integer value.</summary>
    public long Min { get; init; } = long.MinValue;

    /// <summary>The largest allowed integer value.</summary>
    public long Max { get; init; } = long.MaxValue;

    /// <summary>A secret (a password): <c>-bP</c> prints <c>&lt;value not displayable&gt;</c> instead, as for Exim's <c>hide</c> options.</summary>
    public bool Hidden { get; init; }

    /// <summary>Another accepted name (Exim's <c>daemon_smtp_port</c> for <c>daemon_smtp_ports</c>).</summary>
    public string? Alias { get; init; }
}
