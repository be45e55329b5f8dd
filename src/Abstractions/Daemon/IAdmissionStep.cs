namespace Exim.Abstractions.Daemon;

/// <summary>
/// A step of the admission chain every accepted connection goes through before the banner, composed as Kestrel's
/// connection middleware is: each step either refuses the connection (<see cref="AdmissionContext.RefuseAsync"/>, and
/// returns without calling <c>next</c>) or calls <c>next</c> and returns what it returns. The core's chain is: the step
/// registered under <see cref="Plugins.StrategyKeys.Admission"/> (the daemon plugin's connection limits), the connection's log line, the reverse
/// lookup (<c>host_lookup</c>), the connect-stage policies (plugins' and the accept hook), then the session. <c>exim -bh</c>
/// runs the same chain.
/// </summary>
public interface IAdmissionStep
{
    /// <summary>Decides about <paramref name="connection"/>.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="next">The rest of the chain.</param>
    Task<SessionResult> InvokeAsync(AdmissionContext connection, AdmissionDelegate next);
}
