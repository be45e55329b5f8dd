using Exim.Abstractions.Plugins;

namespace Exim.Host.Plugins;

/// <summary>Collects one plugin's registrations; the generation builder merges them and rejects clashes.</summary>
internal sealed class PluginRegistrar : IPluginRegistrar
{
    private readonly Dictionary<StrategyKey, object> _strategies = [];

    public IReadOnlyDictionary<StrategyKey, object> Strategies => _strategies;

    public void Add<TStrategy>(string key, TStrategy strategy) where TStrategy : class
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(strategy);
        if (!typeof(TStrategy).IsInterface || typeof(TStrategy).Assembly != typeof(IEximPlugin).Assembly)
        {
            throw new ArgumentException($"{typeof(TStrategy).Name} is not a strategy interface from Exim.Abstractions");
        }
        if (!_strategies.TryAdd(new StrategyKey(typeof(TStrategy), key), strategy))
        {
            throw new InvalidOperationException($"{typeof(TStrategy).Name} \"{key}\" is registered twice");
        }
    }
}
