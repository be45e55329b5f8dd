using Exim.Mail.Resolution;

namespace Exim.Mail.Delivery;

/// <summary>A host that could not take the message (refused, timed out, 4xx before any recipient): a host retry record.</summary>
internal sealed record HostFailure(HostItem Host, string RetryKey, int Errno, string Message, string ErrorName);
