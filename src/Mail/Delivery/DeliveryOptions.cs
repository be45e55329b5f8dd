namespace Exim.Mail.Delivery;

/// <summary>How a delivery attempt treats retry times (<c>Force</c>: <c>-M</c>, <c>-qf</c>) and frozen messages (<c>Thaw</c>: <c>-M</c>, <c>-qff</c>).</summary>
internal sealed record DeliveryOptions(bool Force, bool Thaw)
{
    public static DeliveryOptions QueueRun { get; } = new(false, false);
    public static DeliveryOptions Manual { get; } = new(true, true);
}
