using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Reflection;
using Exim.Abstractions.Config;

namespace Exim.Host.Configuration;

/// <summary>One row of an option table: an [EximOption] property of a config class.</summary>
internal sealed class OptionProperty(PropertyInfo property, EximOptionAttribute attribute)
{
    public string Name => attribute.Name;
    public string? Alias => attribute.Alias;
    public OptionKind Kind => attribute.Kind;
    public long Min => attribute.Min;
    public long Max => attribute.Max;
    public bool Hidden => attribute.Hidden;
    public Type Type => property.PropertyType;

    public FrozenSet<string> Drivers { get; } = attribute.Drivers.Length == 0
        ? FrozenSet<string>.Empty
        : attribute.Drivers.Split(',', StringSplitOptions.TrimEntries).ToFrozenSet(StringComparer.Ordinal);

    public bool AppliesTo(string driver) => Drivers.Count == 0 || Drivers.Contains(driver);

    public object? GetValue(object target) => property.GetValue(target);

    public void SetValue(object target, object? value) => property.SetValue(target, value);

    public bool IsList => Type == typeof(ImmutableArray<string>);
}
