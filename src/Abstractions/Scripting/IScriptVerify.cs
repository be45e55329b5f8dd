using Exim.Abstractions.Policy;

namespace Exim.Abstractions.Scripting;

/// <summary>
/// Address verification for policies (Exim's <c>verify = recipient</c> and <c>verify = sender</c>, without callouts): the
/// address is routed through the generation's routers as a delivery would route it, and nothing is delivered. A result
/// of <see cref="VerifyStatus.Deferred"/> means "not known yet" (a DNS failure): defer, never reject, on it.
/// <code>
/// var v = await Verify.Recipient(Recipient);
/// if (v.Status == VerifyStatus.Undeliverable) return Verdict.Reject(v.Message ?? "Unknown user");
/// if (v.Status == VerifyStatus.Deferred) return Verdict.Defer("cannot verify the recipient now");
/// </code>
/// Throws <see cref="InvalidOperationException"/> when the generation has no address verifier (which defers the stage).
/// </summary>
public interface IScriptVerify
{
    /// <summary>Whether <paramref name="address"/> would be delivered.</summary>
    /// <param name="address">A qualified address.</param>
    Task<VerifyResult> Recipient(string address);

    /// <summary>Whether mail could be returned to the envelope sender (its domain routes); the null sender is Deliverable.</summary>
    Task<VerifyResult> Sender();
}
