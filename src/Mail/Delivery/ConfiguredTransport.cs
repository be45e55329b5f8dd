using Exim.Abstractions.Transports;

namespace Exim.Mail.Delivery;

/// <summary>
/// One <c>[[transports]]</c> table as the core runs it: the transport its driver created, and the generic options the
/// core applies to every driver: the headers forced on (<paramref name="Add"/>) or off (<paramref name="Remove"/>) by
/// <c>return_path_add</c>, <c>envelope_to_add</c> and <c>delivery_date_add</c>, and <c>batch_max</c>, the most
/// recipients one run of a local transport gets (Exim's default 1).
/// </summary>
internal sealed record ConfiguredTransport(string Name, string Driver, ITransport Transport, MessageWriteOptions Add = MessageWriteOptions.None,
    MessageWriteOptions Remove = MessageWriteOptions.None, int BatchMax = 1)
{
    public bool IsRemote => Transport.IsRemote;

    /// <summary>The most recipients one run gets: the transport's own limit, and batch_max for a local transport.</summary>
    public int RunSize => Math.Max(1, IsRemote ? Transport.MaxRecipients : Math.Min(Transport.MaxRecipients, BatchMax));
}
