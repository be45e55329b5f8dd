using Exim.Abstractions.Config;

namespace Exim.Mail.Delivery;

/// <summary>
/// The richer interface the built-in transports (<c>smtp</c>, <c>maildir</c>) offer the core beside the public
/// <see cref="Abstractions.Transports.ITransport"/>: a <see cref="DeliveryJob"/> in (retry times of hosts, the router's
/// fallback hosts, the process's connection pool) and a <see cref="TransportRunResult"/> out (host retry records and
/// <c>H=</c> lines, errno-based retry rule names, <c>A=</c>, <c>-&gt;</c>). Internal to the host: what smtp's retry
/// handling needs is not part of the plugin contract.
/// </summary>
internal interface IDeliveryTransport
{
    /// <summary>The transport's options.</summary>
    TransportConfig Config { get; }

    Task<TransportRunResult> DeliverAsync(DeliveryJob job, CancellationToken cancellationToken);
}
