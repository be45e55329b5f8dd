namespace Exim.Abstractions.Daemon;

/// <summary>
/// The system load average, as Exim uses it for the load limits (smtp_load_reserve, queue_only_load). The core
/// reads /proc/loadavg; a plugin may register its own under the key <see cref="Plugins.StrategyKeys.SystemLoad"/> (e.g. a cgroup-aware one).
/// </summary>
public interface ISystemLoad
{
    /// <summary>The one-minute load average × 1000, or -1 when unknown.</summary>
    int LoadAverage { get; }
}
