using Exim.Abstractions.Plugins;
using Exim.Abstractions.Transports;

namespace Exim.Plugins.Lmtp;

/// <summary>
/// Exim's <c>lmtp</c> transport driver (RFC 2033), as used to hand mail to Dovecot: a local transport that speaks LMTP
/// over a Unix socket (<c>socket</c>, Exim's option) or TCP (<c>host</c> and <c>port</c>, ours), with one reply per
/// accepted recipient after the data. Built only against Exim.Abstractions' public contract, as a third party would.
/// </summary>
public sealed class LmtpPlugin : IEximPlugin
{
    /// <summary>The driver name <c>[[transports]]</c> tables use.</summary>
    public const string Driver = "lmtp";

    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar, IPluginContext context)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.Add<ITransportDriver>(Driver, new LmtpDriver());
    }
}
