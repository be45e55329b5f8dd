using Exim.Mail.Resolution;

namespace Exim.Mail.Delivery;

/// <summary>A recipient to report in a bounce: the address, why it failed, and the host that said so.</summary>
internal sealed record FailedRecipient(string Address, string Message, HostItem? Host);
