namespace Exim.Abstractions.Policy;

/// <summary>
/// Verifies addresses by routing them through the current generation's routers exactly as a delivery would, without
/// delivering anything (Exim's <c>verify = recipient</c> and <c>verify = sender</c>, without callouts).
/// </summary>
public interface IAddressVerifier
{
    /// <summary>Whether <paramref name="address"/> would be delivered.</summary>
    /// <param name="address">A qualified address, as given in RCPT TO.</param>
    /// <param name="cancellationToken">Cancels the routing (and its DNS lookups); a cancelled check is Deferred.</param>
    Task<VerifyResult> VerifyRecipientAsync(string address, CancellationToken cancellationToken);

    /// <summary>Whether mail could be returned to <paramref name="sender"/>: its domain routes. The null sender is Deliverable.</summary>
    /// <param name="sender">The envelope sender, as given in MAIL FROM (empty for the null sender).</param>
    /// <param name="cancellationToken">Cancels the routing; a cancelled check is Deferred.</param>
    Task<VerifyResult> VerifySenderAsync(string sender, CancellationToken cancellationToken);
}
