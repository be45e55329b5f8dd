using Exim.Mail.Resolution;

namespace Exim.Mail.Delivery;

/// <summary>
/// One recipient's outcome, as a value: its status, Exim's message text and errno-like code (111 connection refused,
/// 110 timed out, -44 an SMTP error reply, -53 retry time not reached, -1 other), the host that gave it, the server's
/// confirmation (<c>C="..."</c>), and for deferrals the retry key and the error name retry rules match on.
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
    bool Freeze = false);
