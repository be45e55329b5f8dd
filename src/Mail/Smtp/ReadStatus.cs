namespace Exim.Mail.Smtp;

internal enum ReadStatus
{
    /// <summary>A complete line (without its line ending).</summary>
    Line,
    /// <summary>Part of a line longer than the buffer; more of the same line follows.</summary>
    Partial,
    /// <summary>The client closed the connection (or it broke).</summary>
    Closed,
    /// <summary>smtp_receive_timeout passed with no complete line.</summary>
    Timeout,
    /// <summary>The daemon is shutting down.</summary>
    Shutdown,
}
