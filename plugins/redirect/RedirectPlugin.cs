using Exim.Abstractions.Plugins;
using Exim.Abstractions.Routing;

namespace Exim.Plugins.Redirect;

/// <summary>
/// Exim's <c>redirect</c> router driver: an address is replaced by the items of a redirection list (addresses, files,
/// pipes, <c>:include:</c>, <c>:fail:</c>, <c>:defer:</c>, <c>:blackhole:</c>) taken from <c>data</c>, from a file
/// (<c>file</c>, e.g. a user's <c>.forward</c>) or from an aliases file in the <c>/etc/aliases</c> format
/// (<c>aliases_file</c>, Exim's <c>${lookup{$local_part}lsearch{...}}</c>).
/// </summary>
public sealed class RedirectPlugin : IEximPlugin
{
    /// <summary>The driver name <c>[[routers]]</c> tables use.</summary>
    public const string Driver = "redirect";

    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar, IPluginContext context) => registrar.Add<IRouterDriver>(Driver, new RedirectDriver());
}
