namespace Exim.Mail.Delivery;

/// <summary>
/// What one delivery attempt came to. <paramref name="HeldFor"/> names the first transport and host list whose remote
/// deliveries were held back (a local-only or first-stage attempt), so the second pass of a two-stage run can take messages for the
/// same hosts together; null when nothing was held.
/// </summary>
internal readonly record struct DeliveryResult(MessageOutcome Outcome, string? HeldFor = null);
