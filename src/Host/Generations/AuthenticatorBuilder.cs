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
            var where = $"authenticators \"{section.Name}\"";
            if (!strategies.TryGetValue(new StrategyKey(typeof(IAuthenticatorDriver), section.Driver), out var found))
            {
                var known = strategies.Keys.Where(k => k.Strategy == typeof(IAuthenticatorDriver)).Select(k => k.Key).Order(StringComparer.Ordinal).ToList();
                errors.Add(new ConfigDiagnostic(section.ConfigPath, section.DriverPosition.Line, section.DriverPosition.Column,
                    $"unknown driver \"{section.Driver}\" in {where} ({(known.Count == 0 ? "no plugin registers an authenticator driver" : "known: " + string.Join(", ", known))})"));
                continue;
            }
            var options = new PluginOptions(section.ConfigPath, where, section.Options, CoreKeys, anchor: "name");
            try
            {
                var server = ((IAuthenticatorDriver)found).Create(new AuthenticatorDefinition(section.Name, section.PublicName, options, main, loggerFactory));
                var unknown = options.UnreadKeys.ToList();
                if (unknown.Count == 0)
                {
                    result.Add(new Authenticator(section.Name, section.PublicName, server));
                    continue;
                }
                errors.AddRange(unknown.Select(k => options.Position(k, $"unknown option \"{k}\" in {where} (driver {section.Driver})")));
            }
            catch (EximConfigException e)
            {
                errors.Add(e.Diagnostic.File.Length == 0 ? e.Diagnostic with { File = section.ConfigPath } : e.Diagnostic);
            }
            catch (Exception e)
            {
                // A driver that throws must never take the core down: it is a configuration error.
                errors.Add(new ConfigDiagnostic(section.ConfigPath, section.DriverPosition.Line, section.DriverPosition.Column,
                    $"{where}: driver \"{section.Driver}\" failed: {e.GetType().Name}: {e.Message}"));
            }
        }
        return result.ToImmutable();
    }
}
