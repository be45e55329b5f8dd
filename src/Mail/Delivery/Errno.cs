using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Exim.Mail.Delivery;

/// <summary>
/// Exim's error numbers for an address (<c>basic_errno</c>): system errnos, shown with their strerror text in log lines
/// (<c>defer (111): Connection refused</c>), and Exim's own negative ones (macros.h), shown as numbers only.
/// </summary>
internal static class Errno
{
    public const int ConnectionTimedOut = 110;
    public const int ConnectionRefused = 111;
    public const int Unknown = -1;
    public const int SmtpClosed = -18;
    public const int UnknownHost = -32;
    public const int BadCreate = -34;

    /// <summary>A DNS lookup the delivery needed failed (ERRNO_DNSDEFER): DANE's TLSA lookup.</summary>
    public const int DnsDefer = -36;
    public const int TlsFailure = -37;
    public const int TlsRequired = -38;
    public const int AuthFailed = -42;
    public const int Rcpt4xx = -44;
    public const int Mail4xx = -45;
    public const int Data4xx = -46;
    public const int AuthProblem = -48;
    public const int HostIsLocal = -50;

    /// <summary>ERRNO_RETRY_BASE: every "retry time not reached" errno is at or below it.</summary>
    public const int RetryBase = -51;

    /// <summary>Not time to route the address again (ERRNO_RRETRY).</summary>
    public const int RoutingRetry = -52;

    /// <summary>Not time to try any of the address's hosts again (ERRNO_HRETRY).</summary>
    public const int HostRetry = -54;

    /// <summary>strerror(<paramref name="errno"/>) for a system errno.</summary>
    public static string Describe(int errno) => errno > 0 ? Marshal.GetPInvokeErrorMessage(errno) : "unknown error";

    /// <summary>The Linux errno behind a socket error, or <see cref="Unknown"/>.</summary>
    public static int Of(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => ConnectionRefused,
        SocketError.TimedOut => ConnectionTimedOut,
        SocketError.ConnectionReset => 104,
        SocketError.NetworkUnreachable => 101,
        SocketError.HostUnreachable => 113,
        SocketError.AddressNotAvailable => 99,
        SocketError.NetworkDown => 100,
        SocketError.AccessDenied => 13,
        _ => Unknown,
    };
}
