namespace Exim.Abstractions.Plugins;

/// <summary>Collects the strategies a plugin offers to the host.</summary>
public interface IPluginRegistrar
{
    /// <summary>
    /// Registers <paramref name="strategy"/> as the implementation of <typeparamref name="TStrategy"/> under
    /// <paramref name="key"/> (the host's own keys are in <see cref="StrategyKeys"/>; stage policies and drivers use names of their own). A key may be
    /// registered once per strategy type and generation.
    /// </summary>
    /// <typeparam name="TStrategy">A strategy interface from this assembly, such as <see cref="Daemon.IDaemonLoop"/>.</typeparam>
    /// <param name="key">The key routers, transports and the core look the strategy up by.</param>
    /// <param name="strategy">The implementation.</param>
    void Add<TStrategy>(string key, TStrategy strategy) where TStrategy : class;
}
