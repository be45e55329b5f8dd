using Exim.Abstractions.Interfaces;
using Exim.Abstractions.Plugins;

namespace Exim.Plugins.InterfaceScanner;

/// <summary>Registers the OS interface scanner under <see cref="StrategyKeys.Interfaces"/>.</summary>
public sealed class InterfaceScannerPlugin : IEximPlugin
{
    /// <inheritdoc/>
    public void Register(IPluginRegistrar registrar, IPluginContext context)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.Add<IInterfaceScanner>(StrategyKeys.Interfaces, new OsInterfaceScanner());
    }
}
