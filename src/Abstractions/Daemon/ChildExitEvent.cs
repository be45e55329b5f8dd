using System.Net;

namespace Exim.Abstractions.Daemon;

/// <summary>Published when a session, delivery or queue runner ends.</summary>
/// <param name="Kind">What ended.</param>
/// <param name="Id">The connection id, message id or runner id.</param>
/// <param name="ProcessId">The process id for process children, else null.</param>
/// <param name="Client">The client address, for sessions.</param>
/// <param name="Outcome">For sessions: how it ended.</param>
/// <param name="ExitCode">For processes: the exit code, when it exited normally.</param>
/// <param name="Signal">For processes: the signal that ended it, if any.</param>
/// <param name="Duration">How long it ran.</param>
/// <param name="Messages">Messages received (sessions) or delivered (runners).</param>
public sealed record ChildExitEvent(ChildExitKind Kind, string Id, int? ProcessId, IPAddress? Client, SessionOutcome? Outcome,
    int? ExitCode, int? Signal, TimeSpan Duration, int Messages);
