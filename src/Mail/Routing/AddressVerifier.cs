using Exim.Abstractions.Config;
using Exim.Abstractions.Policy;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Routing;

/// <summary>
/// Exim's <c>verify = recipient</c> and <c>verify = sender</c> without callouts (verify.c's verify_address): the address
/// is routed by the generation's routers exactly as a delivery routes it (the same <see cref="AddressRouter"/>, DNS
/// through the same cache), with Exim's router selection for verification, and nothing is delivered. Routing accepted
/// it: Deliverable. Routing failed it (no router took it, a router failed it, <c>fail_verify</c>): Undeliverable, with
/// the message Exim would give (<c>Unrouteable address</c>, a <c>cannot_route_message</c> such as <c>Unknown user</c>,
/// dnslookup's texts). Routing deferred (a DNS lookup timed out or failed, <c>self = freeze</c>) or was cancelled:
/// Deferred, never Undeliverable. One instance serves a whole generation; a check allocates no router.
/// </summary>
internal sealed class AddressVerifier(AddressRouter router, MainOptions main, ILogger logger) : IAddressVerifier
{
    private static readonly Task<VerifyResult> NullSender = Task.FromResult(new VerifyResult(VerifyStatus.Deliverable));

    public Task<VerifyResult> VerifyRecipientAsync(string address, CancellationToken cancellationToken)
        => VerifyAsync(Qualify(address, main.QualifyRecipient), VerifyMode.Recipient, cancellationToken);

    /// <summary>The null sender cannot be verified and needs not be: bounces have it (verify.c returns OK for it).</summary>
    public Task<VerifyResult> VerifySenderAsync(string sender, CancellationToken cancellationToken)
        => sender.Length == 0 || sender == "<>" ? NullSender : VerifyAsync(Qualify(sender, main.QualifyDomain), VerifyMode.Sender, cancellationToken);

    /// <summary>An unqualified address gets the qualify domain for its kind, as <c>-bv</c> qualifies it.</summary>
    private static string Qualify(string address, string domain) => address.Contains('@', StringComparison.Ordinal) ? address : $"{address}@{domain}";

    private async Task<VerifyResult> VerifyAsync(string address, VerifyMode mode, CancellationToken cancellationToken)
    {
        RouteResult result;
        try
        {
            result = await router.VerifyAsync(address, mode, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new VerifyResult(VerifyStatus.Deferred, "verification did not complete (cancelled)");
        }
        catch (Exception e)
        {
            // Not knowing is never a reason to refuse: a routing bug or a plugin failure defers, and is logged.
            RoutingLog.VerifyFailed(logger, address, e);
            return new VerifyResult(VerifyStatus.Deferred, "verification did not complete (internal error)");
        }
        return result.Outcome switch
        {
            RouteOutcome.Accepted => new VerifyResult(VerifyStatus.Deliverable, Router: result.Router),
            RouteOutcome.Failed => new VerifyResult(VerifyStatus.Undeliverable, result.Message ?? "Unrouteable address", result.Router),
            _ => new VerifyResult(VerifyStatus.Deferred, result.Message, result.Router),
        };
    }
}
