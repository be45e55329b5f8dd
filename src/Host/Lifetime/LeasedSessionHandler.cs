using Exim.Abstractions.Daemon;
using Exim.Host.Generations;
using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Lifetime;

/// <summary>
/// A generation's session handler that holds the generation for each session it runs, so a reload never unloads the
/// configuration, plugins or hook scripts a session is still using. A session that cannot get its lease (its
/// generation already retired: a daemon loop that accepted after it was told to stop) is told 421, never closed silently.
/// </summary>
internal sealed partial class LeasedSessionHandler(Generation generation, ISmtpSessionHandler inner, ILogger logger) : ISmtpSessionHandler
{
    public async Task<SessionResult> RunAsync(SmtpConnection connection, CancellationToken shutdownToken)
    {
        using var lease = generation.TryLease();
        if (lease is null)
        {
            GenerationGone(logger, generation.Number, connection.Remote.Address.ToString());
            await ConnectionRefusal.RefuseAsync(connection.Socket, $"421 {HostName} Service not available - closing connection").ConfigureAwait(false);
            return new SessionResult(SessionOutcome.Dropped, 0);
        }
        return await inner.RunAsync(connection, shutdownToken).ConfigureAwait(false);
    }

    private string HostName => generation.Config.Main.SmtpActiveHostname is { Length: > 0 } active ? active : generation.Config.Main.PrimaryHostname;

    [LoggerMessage(EventIds.SessionGenerationRetired, LogLevel.Error, "generation {Number} was retired before the session from [{Ip}] started: 421 sent")]
    private static partial void GenerationGone(ILogger logger, long number, string ip);
}
