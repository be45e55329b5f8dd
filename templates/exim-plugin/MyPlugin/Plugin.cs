using Exim.Abstractions.Plugins;
using Exim.Abstractions.Policy;

namespace MyPlugin;

/// <summary>
/// The plugin's entry point: the host creates it once per generation and calls <see cref="Register"/> with the plugin's
/// own table from exim.toml (<c>context.Options</c>). Options not read here are reported to the operator as unknown.
/// <c>context.Main</c> reads the main options by Exim's names (<c>context.Main.GetList("local_domains")</c>), and
/// <c>context.HostLists.Compile(...)</c> gives Exim's host-list matching.
/// </summary>
/// <example>
/// [plugins.myplugin]
/// assembly = "/path/to/MyPlugin.dll"
/// refuse_prefix = "blocked-"
///
/// [hooks]
/// order = ["myplugin"]
/// </example>
public sealed class Plugin : IEximPlugin
{
    public void Register(IPluginRegistrar registrar, IPluginContext context)
    {
        var prefix = context.Options.GetString("refuse_prefix") ?? "blocked-";
        if (prefix.Length == 0) throw context.Options.Invalid("refuse_prefix", "refuse_prefix must not be empty");
        // Decides at the stages where [hooks] order names this key.
        registrar.Add<IStagePolicy>(context.Name, new RecipientPrefixPolicy(prefix));
    }
}
