using System.Collections.Immutable;
using Exim.Abstractions.Auth;
using Exim.Abstractions.Config;
using Exim.Host.Configuration;
using Exim.Host.Plugins;
using Exim.Mail.Smtp.Auth;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Generations;

/// <summary>
/// Creates a generation's authenticators: each <c>[[authenticators]]</c> table is handed to the
/// <see cref="IAuthenticatorDriver"/> a plugin registered under its driver name, which reads and checks its own options
/// (and whatever files they name); keys it did not read are unknown options. Every error is reported, with its place.
/// </summary>
internal static class AuthenticatorBuilder
{
    private static readonly string[] CoreKeys = ["name", "driver", "public_name"];

    public static ImmutableArray<Authenticator> Build(LoadedConfig loaded, IReadOnlyDictionary<StrategyKey, object> strategies,
        ILoggerFactory loggerFactory, List<ConfigDiagnostic> errors)
    {
        var result = ImmutableArray.CreateBuilder<Authenticator>(loaded.Authenticators.Length);
        var main = new MainOptionsView(loaded.Config);
        foreach (var section in loaded.Authenticators)
        {
            var table = new DriverTable($"authenticators \"{section.Name}\"", section.Driver, section.ConfigPath, section.DriverPosition);
            if (table.Find<IAuthenticatorDriver>(strategies, errors, none: "no plugin registers an authenticator driver") is not { } driver) continue;
            var options = new PluginOptions(section.ConfigPath, table.Where, section.Options, CoreKeys, anchor: "name");
            if (table.Create(options, () => driver.Create(new AuthenticatorDefinition(section.Name, section.PublicName, options, main, loggerFactory)), errors) is { } server)
            {
                result.Add(new Authenticator(section.Name, section.PublicName, server));
            }
        }
        return result.ToImmutable();
    }
}
