namespace Exim.Abstractions.Transports;

/// <summary>
/// One configured transport. The core groups a message's routed recipients by transport (and host list), runs local
/// transports before remote ones, and calls <see cref="DeliverAsync"/> with at most <see cref="MaxRecipients"/> of them at
/// a time. It logs each outcome in Exim's form (<c>=&gt;</c>, <c>==</c>, <c>**</c>), records it durably in the spool,
/// applies the retry rules to deferrals and bounces failures: a transport only delivers and reports.
/// </summary>
public interface ITransport
{
    /// <summary>
    /// Whether this is a remote transport (delivers to hosts routers chose: held by <c>-ql</c> and the first pass of
    /// <c>-qq</c>, run after the local ones).
    /// </summary>
    bool IsRemote { get; }

    /// <summary>
    /// The most recipients passed to one <see cref="DeliverAsync"/> call (<c>max_rcpt</c> for smtp); for a local transport
    /// the core also applies the generic <c>batch_max</c> (Exim's default 1), so a driver that takes any number says
    /// <see cref="int.MaxValue"/>.
    /// </summary>
    int MaxRecipients { get; }

    /// <summary>
    /// Delivers one message to some of its recipients and reports one outcome per recipient, in any order. Throwing is
    /// treated as a deferral of every recipient with the exception's message. Called concurrently for different messages.
    /// </summary>
    ValueTask<TransportResult> DeliverAsync(TransportRequest request, CancellationToken cancellationToken);
}
