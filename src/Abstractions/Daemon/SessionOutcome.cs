namespace Exim.Abstractions.Daemon;

/// <summary>How an SMTP session ended.</summary>
public enum SessionOutcome
{
    /// <summary>The client sent QUIT.</summary>
    Quit,
    /// <summary>The client was too slow: <c>smtp_receive_timeout</c>, <c>smtp_min_data_rate</c> or <c>smtp_premail_timeout</c>.</summary>
    Timeout,
    /// <summary>The client went away without QUIT, or the connection was refused or dropped by policy.</summary>
    Dropped,
    /// <summary>The daemon ended the session (shutdown, too many errors).</summary>
    Closed,
    /// <summary>An unexpected error.</summary>
    Error,
}
