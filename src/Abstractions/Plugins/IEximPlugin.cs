namespace Exim.Abstractions.Plugins;

/// <summary>
/// The entry point of a plugin assembly. The host creates one instance per generation, calls
/// <see cref="Register"/> once, and disposes the instance (if it implements <see cref="IAsyncDisposable"/>
/// or <see cref="IDisposable"/>) when that generation has drained.
/// </summary>
/// <remarks>
/// Read every option of your <c>[plugins.&lt;name&gt;]</c> table inside <see cref="Register"/>: keys a plugin
/// does not read there are reported as unknown, and the generation is rejected.
/// A plugin must not keep references to host objects beyond its generation, start threads or timers it does
/// not stop on dispose, or subscribe to static events: any of these keeps its load context alive.
/// </remarks>
public interface IEximPlugin
{
    /// <summary>Registers this plugin's strategies for one generation.</summary>
    /// <param name="registrar">Where strategies are registered.</param>
    /// <param name="context">The plugin's own options, the main options (read-only), host-list matching and logging.</param>
    void Register(IPluginRegistrar registrar, IPluginContext context);
}
