using System.Net;

namespace Exim.Abstractions.Daemon;

/// <summary>
/// The connection limits (smtp_accept_max, per host, reserve, load, host_reject_connection, smtp_accept_queue) as a
/// strategy, registered under <c>"admission"</c> by the plugin that owns them, so that <c>exim -bh</c> applies the
/// same rules as the daemon. Refusals are logged by the strategy.
/// </summary>
public interface IConnectionAdmission
{
    /// <summary>Decides about a new connection, before it takes a slot.</summary>
    /// <param name="slots">The sessions already running.</param>
    /// <param name="client">The client's address.</param>
    /// <param name="load">The system load (only read when a load limit is set).</param>
    AdmissionDecision Check(ISlotTable slots, IPAddress client, ISystemLoad load);
}
