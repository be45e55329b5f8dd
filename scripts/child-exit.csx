// child-exit.csx: runs whenever an SMTP session, a delivery or a queue runner ends ([hooks] child_exit).
// Sees: Child (Kind, Id, ProcessId, Client, Outcome, ExitCode, Signal, Duration, Messages), Queue, Main (the main options), HostLists, Log.
// It runs after the child has been reaped, on its own task: it can never hold up the daemon.

// 1. Log abnormal endings with what an operator needs to follow them up.
switch (Child.Kind)
{
    case ChildExitKind.SmtpSession when Child.Outcome == SessionOutcome.Error:
        Log.Warning($"session {Child.Id} from [{Child.Client}] failed after {Child.Duration.TotalSeconds:F1}s");
        break;
    case ChildExitKind.QueueRunner or ChildExitKind.Delivery when Child.Signal is { } signal:
        Log.Error($"{Child.Kind} {Child.Id} (pid {Child.ProcessId}) was killed by signal {signal} after {Child.Duration.TotalSeconds:F1}s");
        break;
    case ChildExitKind.QueueRunner or ChildExitKind.Delivery when Child.ExitCode is not (null or 0):
        Log.Error($"{Child.Kind} {Child.Id} (pid {Child.ProcessId}) exited with status {Child.ExitCode}");
        break;
}

// 2. After a burst of incoming mail, start a queue run rather than waiting for the next scheduled one.
//    The counter lives as long as this compiled script: a reload starts it again at zero.
if (Child.Kind == ChildExitKind.SmtpSession && Child.Messages > 0)
{
    var now = DateTime.UtcNow;
    if (now - Burst.WindowStart > TimeSpan.FromMinutes(1)) (Burst.Messages, Burst.WindowStart) = (0, now);
    Burst.Messages += Child.Messages;
    if (Burst.Messages >= 50)
    {
        Queue.RequestRun($"{Burst.Messages} messages received since {Burst.WindowStart:HH:mm:ss}");
        (Burst.Messages, Burst.WindowStart) = (0, now);
    }
}

static class Burst
{
    public static int Messages;
    public static DateTime WindowStart = DateTime.UtcNow;
}
