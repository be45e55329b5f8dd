using Exim.Abstractions.Scripting;
using Exim.Mail.Resolution;

namespace Exim.Mail.Delivery;

/// <summary>
/// One recipient's outcome, as a value: its status; Exim's error number (see <see cref="Delivery.Errno"/>) and message
/// (null when the errno says it all); the host used (Exim's host_used: set once connected, never for a connection that
/// failed); the server's confirmation (<c>C="..."</c>); for deferrals the retry key and the error name retry rules match
/// on; and <paramref name="Additional"/> for the second and later addresses one transport run delivered together, which
/// Exim logs with <c>-&gt;</c> rather than <c>=&gt;</c>; the TLS session (<c>X=</c>, <c>CV=</c>) and client
/// authentication (<c>A=</c>) of the connection that decided it.
/// </summary>
internal sealed record RecipientResult(
    string Address,
    RecipientStatus Status,
    string? Message = null,
    int Errno = 0,
    HostItem? Host = null,
    string? Confirmation = null,
    string? RetryKey = null,
    string ErrorName = "*",
    bool Freeze = false,
    bool Additional = false,
    TlsSessionInfo? Tls = null,
    string? Authenticator = null)
{
    /// <summary>The text bounces and retry records carry: the message, or the errno's.</summary>
    public string Text => Message ?? Delivery.Errno.Describe(Errno);
}
