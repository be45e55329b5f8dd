using Exim.Abstractions.Daemon;
using Exim.Abstractions.Plugins;
using Microsoft.Extensions.Logging;

namespace Exim.Plugins.Daemon;

/// <summary>Registers the accept loop under the key <c>"daemon"</c> and the connection limits, the first step of the admission chain, under <c>"admission"</c>.</summary>
public sealed class DaemonPlugin : IEximPlugin
{
    /// <inheritdoc/>
    public void Register(IPluginRegistrar registrar, IPluginContext context)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        ArgumentNullException.ThrowIfNull(context);
        var logger = context.LoggerFactory.CreateLogger("Exim.Daemon");
        registrar.Add<IDaemonLoop>("daemon", new AcceptLoop(logger));
        registrar.Add<IAdmissionStep>("admission", new AcceptLimits(context.Config.Main, logger));
    }
}
