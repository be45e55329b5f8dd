using Exim.Abstractions.Plugins;
using Exim.Abstractions.Queue;

namespace Exim.Plugins.QueueRunner;

/// <summary>Registers the periodic queue-run scheduler (Exim's daemon_qrun) under the key <c>"queue"</c>.</summary>
public sealed class QueueRunnerPlugin : IEximPlugin
{
    /// <inheritdoc/>
    public void Register(IPluginRegistrar registrar, IPluginContext context)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.Add<IQueueRunScheduler>("queue", new PeriodicScheduler(TimeProvider.System));
    }
}
