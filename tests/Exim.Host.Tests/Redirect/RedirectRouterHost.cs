using System.Collections.Frozen;
using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Abstractions.Routing;
using Exim.Host.Configuration;
using Exim.Host.Plugins;
using Exim.Plugins.Redirect;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exim.Host.Tests.Redirect;

/// <summary>Creates redirect routers through their driver, as the generation builder does, from a table's options.</summary>
internal static class RedirectRouterHost
{
    public const string QualifyRecipient = "qualify.test";

    public static IRouter Create(string configDirectory, params (string Key, object Value)[] options)
        => new RedirectDriver().Create(Definition(configDirectory, options));

    public static RouterDefinition Definition(string configDirectory, params (string Key, object Value)[] options)
    {
        var table = options.ToFrozenDictionary(o => o.Key, o => new RawOption(o.Value, 7, 1), StringComparer.Ordinal);
        var pluginOptions = new PluginOptions(Path.Combine(configDirectory, "exim.toml"), "routers \"aliases\"", table);
        var config = new EximConfig
        {
            SourcePath = Path.Combine(configDirectory, "exim.toml"),
            Revision = "test",
            Main = new MainOptions { PrimaryHostname = "mx.test", QualifyDomain = QualifyRecipient, QualifyRecipient = QualifyRecipient },
        };
        return new RouterDefinition("aliases", null, pluginOptions, new MainOptionsView(config), NullLoggerFactory.Instance);
    }

    public static async Task<RouterResult> RouteAsync(this IRouter router, string address, params RoutedAncestor[] ancestors)
    {
        var at = address.LastIndexOf('@');
        var request = new RoutingRequest(address, address[..at].Trim('"'), address[(at + 1)..].ToLowerInvariant(), RoutingPurpose.Delivery)
        {
            Ancestors = [.. ancestors],
        };
        return await router.RouteAsync(request, CancellationToken.None).AsTask().WaitAsync(TestKit.TestTimeouts.Default);
    }

    public static string[] Describe(this RouterResult result)
        => [.. result.Children.Select(c => c.Kind switch
        {
            RedirectItemKind.Address => c.Value,
            RedirectItemKind.Pipe => $"|{c.Value} T={c.Transport}",
            _ => $"{c.Value} T={c.Transport}",
        } + (c.Failure is { } failure ? " failed: " + failure : ""))];
}
