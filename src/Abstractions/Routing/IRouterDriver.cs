namespace Exim.Abstractions.Routing;

/// <summary>
/// A router driver (Exim's <c>driver =</c> in a router), registered by a plugin under the driver's name:
/// <c>registrar.Add&lt;IRouterDriver&gt;("redirect", driver)</c>. Each <c>[[routers]]</c> table naming that driver becomes
/// one <see cref="IRouter"/>, created when the generation is built (a reload creates them again).
/// </summary>
/// <remarks>
/// The core owns the options every router has (<c>name</c>, <c>driver</c>, <c>transport</c>, <c>domains</c>,
/// <c>local_parts</c>, <c>verify_*</c>, <c>more</c>, <c>cannot_route_message</c>, ...) and checks them before the router
/// runs; the driver reads its own options from <see cref="RouterDefinition.Options"/>. Keys nobody read are unknown
/// options and the configuration is refused.
/// </remarks>
public interface IRouterDriver
{
    /// <summary>
    /// Creates one configured router, reading and checking its options. A bad option throws what
    /// <see cref="Plugins.IPluginOptions.Invalid"/> returns (or another <see cref="Config.EximConfigException"/> naming its
    /// file and line).
    /// </summary>
    IRouter Create(RouterDefinition definition);
}
