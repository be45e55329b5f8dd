namespace Exim.Abstractions.Daemon;

/// <summary>
/// The daemon loop strategy (registered under the key <see cref="Plugins.StrategyKeys.DaemonLoop"/>). The core runs the current
/// generation's loop; on a reload it cancels <c>stoppingToken</c>, awaits the old loop, and starts the new
/// generation's loop on the same listening sockets. Sessions the old loop started keep running on their
/// own generation: each connection holds it (<see cref="IDaemonContext.HoldGeneration"/>) until it ends.
/// </summary>
public interface IDaemonLoop
{
    /// <summary>Runs until <paramref name="stoppingToken"/> is cancelled.</summary>
    /// <param name="context">What the core lends this loop for this generation.</param>
    /// <param name="stoppingToken">Cancelled when this generation is replaced or the daemon stops.</param>
    Task RunAsync(IDaemonContext context, CancellationToken stoppingToken);
}
