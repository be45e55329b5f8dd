namespace Exim.Abstractions.Policy;

/// <summary>What verifying an address found (Exim's verify = recipient / sender, without callouts).</summary>
public enum VerifyStatus
{
    /// <summary>Routing accepted the address: it would be delivered.</summary>
    Deliverable,

    /// <summary>Routing failed it for good (unknown user, no such domain): refuse it (5xx).</summary>
    Undeliverable,

    /// <summary>Routing could not finish (a DNS lookup timed out or failed): not known yet; defer (4xx), never refuse.</summary>
    Deferred,
}
