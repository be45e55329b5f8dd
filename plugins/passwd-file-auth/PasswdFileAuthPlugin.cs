using Exim.Abstractions.Auth;
using Exim.Abstractions.Plugins;

namespace Exim.Plugins.PasswdFileAuth;

/// <summary>
/// The <c>passwd_file</c> authenticator driver: PLAIN and LOGIN checked against a file of bcrypt hashes
/// (<c>server_passwd_file</c> in each <c>[[authenticators]]</c> table). Its table's <c>max_verifications</c> (default half
/// the processors, at least one) caps how many bcrypt verifications run at once across all its authenticators, so a flood
/// of AUTH attempts queues instead of taking every core.
/// </summary>
public sealed class PasswdFileAuthPlugin : IEximPlugin, IDisposable
{
    /// <summary>The driver name <c>[[authenticators]]</c> tables use.</summary>
    public const string Driver = "passwd_file";

    private SemaphoreSlim? _verifications;

    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar, IPluginContext context)
    {
        var max = context.Options.GetInt64("max_verifications") ?? Math.Max(1, Environment.ProcessorCount / 2);
        if (max is < 1 or > 1024) throw context.Options.Invalid("max_verifications", "must be from 1 to 1024");
        _verifications = new SemaphoreSlim((int)max, (int)max);
        registrar.Add<IAuthenticatorDriver>(Driver, new PasswdFileDriver(_verifications));
    }

    /// <inheritdoc />
    public void Dispose() => _verifications?.Dispose();
}
