namespace Exim.Mail.Delivery;

/// <summary>Where one recipient stands after a delivery attempt.</summary>
internal enum RecipientStatus
{
    Delivered,
    Deferred,
    Failed,
}
