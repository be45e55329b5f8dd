namespace Exim.Mail.Smtp;

internal enum ReadStatus
{
    /// <summary>A complete line (without its line ending).</summary>
    Line,
    /// <summary>Part of a line longer than the buffer; more of the same line follows.</summary>
    Partial,
    /// <summary>More bytes have arrived (from <see cref="SmtpLineReader.FillAsync"/>).</summary>
    Data,
    /// <summary>The client closed the connection (or it broke).</summary>
    Closed,
    /// <summary>A deadline passed first: the line's or the data's (smtp_receive_timeout, smtp_min_data_rate) or the session's.</summary>
    Timeout,
    /// <summary>The daemon is shutting down.</summary>
    Shutdown,
}
