using Exim.Abstractions.Plugins;
using Exim.Abstractions.Resolution;

namespace Exim.Plugins.GetHostByNameResolver;

/// <summary>Registers the system-resolver address lookup under <see cref="StrategyKeys.ByName"/>.</summary>
public sealed class GetHostByNamePlugin : IEximPlugin
{
    /// <inheritdoc/>
    public void Register(IPluginRegistrar registrar, IPluginContext context)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.Add<IAddressResolver>(StrategyKeys.ByName, new SystemAddressResolver());
    }
}
