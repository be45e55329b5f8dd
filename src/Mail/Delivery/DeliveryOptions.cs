namespace Exim.Mail.Delivery;

/// <summary>
/// How a delivery attempt treats retry times (<c>Force</c>: <c>-M</c>, <c>-qf</c>), frozen messages (<c>Thaw</c>: <c>-M</c>,
/// <c>-qff</c>) and remote addresses: <c>LocalOnly</c> (<c>-ql</c>) and <c>HoldRemote</c> (the first stage of <c>-qq</c>)
/// both route every address and deliver only the local ones, leaving remote ones pending; a bounce made meanwhile is
/// held back only by <c>LocalOnly</c>. <c>FirstDeliveryOnly</c> (<c>-qi</c>) leaves a message alone unless, under its lock,
/// no delivery has been attempted for it yet. <c>GiveUp</c> (<c>-Mg</c>) names the user who cancelled the message: nothing
/// is delivered, every recipient not yet done fails into a bounce.
/// </summary>
internal sealed record DeliveryOptions(bool Force, bool Thaw, bool LocalOnly = false, bool HoldRemote = false, bool FirstDeliveryOnly = false,
    string? GiveUp = null)
{
    public static DeliveryOptions QueueRun { get; } = new(false, false);
    public static DeliveryOptions Manual { get; } = new(true, true);
}
