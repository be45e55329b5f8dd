using Exim.Abstractions.Plugins;
using Exim.Abstractions.Transports;

namespace Exim.Plugins.Appendfile;

/// <summary>
/// Exim's <c>appendfile</c> transport driver: each recipient's message appended to a mailbox file (mbox, locked) or written
/// as a new file in a directory (Maildir, or one file per message), at the path the transport's <c>file</c> or
/// <c>directory</c> option names or, for a <c>/file</c> or <c>/directory/</c> item a redirection generated, the item's path.
/// </summary>
public sealed class AppendfilePlugin : IEximPlugin
{
    /// <summary>The driver name <c>[[transports]]</c> tables use.</summary>
    public const string Driver = "appendfile";

    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar, IPluginContext context) => registrar.Add<ITransportDriver>(Driver, new AppendfileDriver());
}
