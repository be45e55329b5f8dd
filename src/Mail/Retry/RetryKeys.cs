using System.Net;

namespace Exim.Mail.Retry;

/// <summary>
/// Retry database keys, after Exim's: <c>T:host:ip:port</c> (with <c>/source</c> when an <c>interface</c> was bound,
/// Exim bug 1678) for host failures, <c>R:domain</c> for routing deferrals, <c>A:address</c> for failures that belong
/// to one address (a 4xx to its RCPT, MAIL or DATA; a local delivery error).
/// </summary>
internal static class RetryKeys
{
    public static string Host(string name, IPAddress address, int port, IPAddress? source)
        => source is null ? $"T:{name}:{address}:{port}" : $"T:{name}:{address}:{port}/{source}";

    public static string Routing(string domain) => "R:" + domain.ToLowerInvariant();

    public static string Address(string address) => "A:" + address;
}
