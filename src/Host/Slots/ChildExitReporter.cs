using Exim.Abstractions.Daemon;
using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Slots;

/// <summary>
/// Receives every child exit (sessions now; deliveries and runners later). Normal exits are debug output, as in
/// Exim; abnormal ones are logged (IMPROVE §1.8). Listeners (the child_exit hook) are called off the caller's path.
/// </summary>
internal sealed partial class ChildExitReporter(ILogger<ChildExitReporter> logger)
{
    private long _reported;

    public event Action<ChildExitEvent>? Exited;

    public long Reported => Interlocked.Read(ref _reported);

    public void Report(ChildExitEvent e)
    {
        Interlocked.Increment(ref _reported);
        if (e.Outcome is SessionOutcome.Error || e.Signal is not null || e.ExitCode is not (null or 0))
        {
            AbnormalExit(logger, e.Kind.ToString(), e.Id, e.Client?.ToString() ?? "-", Describe(e), e.Duration.TotalSeconds);
        }
        else
        {
            NormalExit(logger, e.Kind.ToString(), e.Id, Describe(e));
        }
        Exited?.Invoke(e);
    }

    private static string Describe(ChildExitEvent e)
        => e.Signal is { } s ? $"signal {s}" : e.ExitCode is { } c ? $"exit {c}" : e.Outcome?.ToString().ToLowerInvariant() ?? "ended";

    [LoggerMessage(EventIds.ChildExitAbnormal, LogLevel.Warning, "child {Kind} {Id} [{Client}] ended abnormally: {Outcome} after {Seconds:F1}s")]
    private static partial void AbnormalExit(ILogger logger, string kind, string id, string client, string outcome, double seconds);

    [LoggerMessage(EventIds.ChildExit, LogLevel.Debug, "child {Kind} {Id} ended: {Outcome}")]
    private static partial void NormalExit(ILogger logger, string kind, string id, string outcome);
}
