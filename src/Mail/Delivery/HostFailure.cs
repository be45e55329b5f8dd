using Exim.Mail.Resolution;

namespace Exim.Mail.Delivery;

/// <summary>
/// A host that could not take the message (refused, timed out, 4xx before any recipient): a host retry record and Exim's
/// <c>H=host [ip] ...</c> line. <paramref name="Message"/> is null when the errno says it all (a failed connection);
/// <paramref name="Connected"/> says whether the addresses count the host as used (Exim's host_used), which a failed
/// connection does not. <paramref name="WriteLog"/> is false for the failures Exim does not log with the host
/// (a failed TLS session, failed required authentication): their deferral line says it.
/// </summary>
internal sealed record HostFailure(HostItem Host, string RetryKey, int Errno, string? Message, string ErrorName, bool Connected = true, bool WriteLog = true)
{
    /// <summary>The text for the retry record and bounces: the message, or the errno's.</summary>
    public string Text => Message ?? Delivery.Errno.Describe(Errno);
}
