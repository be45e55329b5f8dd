using Exim.Abstractions.Plugins;
using Exim.Abstractions.Queue;
using Microsoft.Extensions.Logging;

namespace Exim.Plugins.QueueRunner;

/// <summary>Registers Exim's periodic queue-run schedule (<c>exim -bd -q30m</c>) as the <see cref="StrategyKeys.QueueScheduler"/> scheduler.</summary>
public sealed class QueueRunnerPlugin : IEximPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar, IPluginContext context)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        ArgumentNullException.ThrowIfNull(context);
        registrar.Add<IQueueRunScheduler>(StrategyKeys.QueueScheduler, new PeriodicScheduler(TimeProvider.System, context.LoggerFactory.CreateLogger("Exim.Queue")));
    }
}
