namespace Exim.Mail.Routing;

/// <summary>Why an address is routed (Exim's <c>verify</c> argument to route_address), which decides the routers that run.</summary>
internal enum VerifyMode
{
    /// <summary>A delivery or <c>-bt</c> (v_none): <c>verify_only</c> routers are skipped.</summary>
    None,

    /// <summary>Verifying a recipient (v_recipient): only routers with <c>verify_recipient</c> run.</summary>
    Recipient,

    /// <summary>Verifying a sender (v_sender): only routers with <c>verify_sender</c> run.</summary>
    Sender,
}
