using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Reflection;
using Exim.Abstractions.Config;

namespace Exim.Host.Configuration;

/// <summary>The options of one config class, in declaration order, looked up by name or alias.</summary>
internal sealed class OptionTable
{
    private static readonly ConcurrentDictionary<Type, OptionTable> Tables = new();

    private OptionTable(Type type)
    {
        Options = [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (p, a: p.GetCustomAttribute<EximOptionAttribute>()))
            .Where(x => x.a is not null)
            .OrderBy(x => x.p.MetadataToken)
            .Select(x => new OptionProperty(x.p, x.a!))];
        var byName = new Dictionary<string, OptionProperty>(StringComparer.Ordinal);
        foreach (var o in Options)
        {
            byName.Add(o.Name, o);
            if (o.Alias is { } alias) byName.Add(alias, o);
        }
        ByName = byName.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public ImmutableArray<OptionProperty> Options { get; }

    public FrozenDictionary<string, OptionProperty> ByName { get; }

    public static OptionTable For(Type type) => Tables.GetOrAdd(type, static t => new OptionTable(t));

    public static OptionTable For<T>() => For(typeof(T));
}
