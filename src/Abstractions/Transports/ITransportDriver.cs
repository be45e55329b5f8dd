namespace Exim.Abstractions.Transports;

/// <summary>
/// A transport driver (Exim's <c>driver =</c> in a transport), registered by a plugin under the driver's name:
/// <c>registrar.Add&lt;ITransportDriver&gt;("lmtp", driver)</c>. Each <c>[[transports]]</c> table naming that driver
/// becomes one <see cref="ITransport"/>, created when the generation is built (a reload creates them again).
/// </summary>
/// <remarks>
/// The core owns <c>name</c> and <c>driver</c>; the driver reads every other key from
/// <see cref="TransportDefinition.Options"/>. Keys it does not read are unknown options and the configuration is refused.
/// Dispose what the transports hold (pooled connections) when the plugin instance is disposed.
/// </remarks>
public interface ITransportDriver
{
    /// <summary>Creates one configured transport, reading and checking its options (errors as <see cref="Routing.IRouterDriver.Create"/>).</summary>
    ITransport Create(TransportDefinition definition);
}
