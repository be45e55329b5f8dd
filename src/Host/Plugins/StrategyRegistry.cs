using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Exim.Host.Plugins;

/// <summary>The strategies of one generation, looked up by interface and key.</summary>
internal sealed class StrategyRegistry(FrozenDictionary<StrategyKey, object> strategies)
{
    public static StrategyRegistry Empty { get; } = new(FrozenDictionary<StrategyKey, object>.Empty);

    public IEnumerable<StrategyKey> Keys => strategies.Keys;

    public bool TryGet<T>(string key, [NotNullWhen(true)] out T? strategy) where T : class
    {
        strategy = strategies.TryGetValue(new StrategyKey(typeof(T), key), out var o) ? (T)o : null;
        return strategy is not null;
    }
}
