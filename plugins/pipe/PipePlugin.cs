using Exim.Abstractions.Plugins;
using Exim.Abstractions.Transports;

namespace Exim.Plugins.Pipe;

/// <summary>
/// Exim's <c>pipe</c> transport driver: each recipient's message is written to the standard input of a command, the
/// command named by a redirected <c>|command</c> address or by the transport's <c>command</c> option.
/// </summary>
public sealed class PipePlugin : IEximPlugin
{
    /// <summary>The driver name <c>[[transports]]</c> tables use.</summary>
    public const string Driver = "pipe";

    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar, IPluginContext context) => registrar.Add<ITransportDriver>(Driver, new PipeDriver());
}
