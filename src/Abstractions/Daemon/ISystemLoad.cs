namespace Exim.Abstractions.Daemon;

/// <summary>The system load average, as Exim uses it for the load limits.</summary>
public interface ISystemLoad
{
    /// <summary>The one-minute load average × 1000, or -1 when unknown.</summary>
    int LoadAverage { get; }
}
