using Exim.Abstractions.Auth;
using Exim.Abstractions.Plugins;

namespace Exim.Plugins.DovecotAuth;

/// <summary>
/// Exim's <c>dovecot</c> authenticator driver: the whole SASL exchange is run by Dovecot's auth service, spoken to over
/// its auth-client socket (<c>server_socket</c>), one connection per authentication as Exim does.
/// </summary>
public sealed class DovecotAuthPlugin : IEximPlugin
{
    /// <summary>The driver name <c>[[authenticators]]</c> tables use.</summary>
    public const string Driver = "dovecot";

    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar, IPluginContext context) => registrar.Add<IAuthenticatorDriver>(Driver, new DovecotDriver());
}
