namespace Exim.Abstractions.Diagnostics;

/// <summary>How one recipient's delivery attempt ended: the <c>exim.delivery.outcome</c> tag.</summary>
internal enum DeliveryOutcome
{
    Delivered,
    Deferred,
    Failed,
}
