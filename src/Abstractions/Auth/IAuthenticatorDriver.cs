namespace Exim.Abstractions.Auth;

/// <summary>
/// An authenticator driver (Exim's <c>driver =</c> in an authenticator), registered by a plugin under the driver's name:
/// <c>registrar.Add&lt;IAuthenticatorDriver&gt;("dovecot", driver)</c>. Each <c>[[authenticators]]</c> table naming that
/// driver becomes one <see cref="IServerAuthenticator"/>, created when the generation is built (so a reload creates them
/// again, re-reading whatever files they read).
/// </summary>
/// <remarks>
/// Dispose what the authenticators hold (pooled connections) when the plugin instance is disposed: it lives exactly as
/// long as the generation that uses them.
/// </remarks>
public interface IAuthenticatorDriver
{
    /// <summary>
    /// Creates the server side of one configured authenticator, reading and checking its options. A bad option throws
    /// what <see cref="Plugins.IPluginOptions.Invalid"/> returns (or another <see cref="Config.EximConfigException"/> naming
    /// its file and line); options the driver does not read are reported as unknown and the configuration is refused.
    /// </summary>
    /// <param name="definition">The table's name, public name, options and the generation's configuration.</param>
    IServerAuthenticator Create(AuthenticatorDefinition definition);
}
