namespace Exim.Host.Control;

/// <summary>
/// The control socket's wire format, version 1. The client sends one request line (ASCII, at most
/// <see cref="MaxRequestBytes"/> bytes, ending in LF): a request name and its arguments separated by spaces. The daemon
/// answers one JSON object on one line, always with <c>"version"</c> and <c>"ok"</c>; an error has <c>"error"</c>
/// (and, for a refused reload, <c>"errors"</c>), then closes the connection. <c>register</c> is the one request that
/// keeps the connection: the process is listed in the status until it closes it.
/// </summary>
internal static class ControlProtocol
{
    public const int Version = 1;

    public const int MaxRequestBytes = 1024;

    /// <summary>Control connections served at once; one more is told the daemon is busy.</summary>
    public const int MaxConnections = 8;

    /// <summary>Processes registered at once (queue runners and deliveries started by other commands).</summary>
    public const int MaxRegistrations = 256;

    /// <summary>How long a client has to send its request line.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a reply may take to write.</summary>
    public static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(5);

    public const string Status = "status";
    public const string Reload = "reload";
    public const string QueueRun = "queue-run";
    public const string Pause = "pause";
    public const string Resume = "resume";
    public const string Drain = "drain";
    public const string Register = "register";

    public static readonly string[] Requests = [Status, Reload, QueueRun, Pause, Resume, Drain, Register];
}
