namespace Exim.Host.Log;

/// <summary>
/// Where log lines go. The daemon, queue runs and deliveries write Exim's log files; Exim's testing modes
/// (log_testing_mode in exim.c) never touch them and show the lines on stderr instead, each in its own shape.
/// </summary>
internal enum LogRouting
{
    /// <summary>The main, panic and reject log files (stderr until a configuration names them).</summary>
    Files,

    /// <summary><c>-bh</c>: <c>LOG: message</c>, without a timestamp (log.c, host_checking).</summary>
    HostChecking,

    /// <summary>
    /// <c>-bt</c>: <c>LOG: MAIN</c> (or <c>MAIN PANIC</c>, <c>MAIN REJECT</c>), then the message on the next line
    /// indented by two spaces: -bt turns on Exim's D_v debugging, so log_write shows each line in its debug form.
    /// </summary>
    AddressTesting,

    /// <summary><c>-bV</c>: the line as it would appear in the file, timestamp first (log.c's log_testing_mode).</summary>
    Stderr,
}
