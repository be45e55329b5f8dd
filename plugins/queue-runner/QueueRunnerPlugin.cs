using Exim.Abstractions.Plugins;
using Exim.Abstractions.Queue;
using Microsoft.Extensions.Logging;

namespace Exim.Plugins.QueueRunner;

/// <summary>Registers Exim's periodic queue-run schedule (<c>exim -bd -q30m</c>) as the <c>"queue"</c> scheduler.</summary>
public sealed class QueueRunnerPlugin : IEximPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar, IPluginContext context)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        ArgumentNullException.ThrowIfNull(context);
        registrar.Add<IQueueRunScheduler>("queue", new PeriodicScheduler(TimeProvider.System, context.LoggerFactory.CreateLogger("Exim.Queue")));
    }
}
