using Exim.Abstractions.Daemon;
using Exim.Abstractions.Plugins;
using Microsoft.Extensions.Logging;

namespace Exim.Plugins.Daemon;

/// <summary>
/// Registers the accept loop under <see cref="StrategyKeys.DaemonLoop"/> and the connection limits, the first step of the
/// admission chain, under <see cref="StrategyKeys.Admission"/>.
/// </summary>
public sealed class DaemonPlugin : IEximPlugin
{
    /// <inheritdoc/>
    public void Register(IPluginRegistrar registrar, IPluginContext context)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        ArgumentNullException.ThrowIfNull(context);
        var logger = context.LoggerFactory.CreateLogger("Exim.Daemon");
        registrar.Add<IDaemonLoop>(StrategyKeys.DaemonLoop, new AcceptLoop(logger));
        registrar.Add<IAdmissionStep>(StrategyKeys.Admission, new AcceptLimits(context.Main, context.HostLists, logger));
    }
}
