namespace Exim.Abstractions.Routing;

/// <summary>Why an address is being routed.</summary>
public enum RoutingPurpose
{
    /// <summary>For a delivery.</summary>
    Delivery,

    /// <summary>Address testing (<c>exim -bt</c>): nothing is delivered, but the result must be the delivery's.</summary>
    Test,

    /// <summary>Verifying a recipient (<c>verify = recipient</c>, <c>-bv</c>).</summary>
    VerifyRecipient,

    /// <summary>Verifying a sender.</summary>
    VerifySender,
}
