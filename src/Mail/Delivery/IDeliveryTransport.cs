namespace Exim.Mail.Delivery;

/// <summary>A transport driver (<c>smtp</c>, <c>maildir</c>): delivers one message to a batch of recipients.</summary>
internal interface IDeliveryTransport
{
    Task<TransportResult> DeliverAsync(DeliveryJob job, CancellationToken cancellationToken);
}
