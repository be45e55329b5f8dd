using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Exim.Abstractions.Daemon;
using Exim.Host.Generations;

namespace Exim.Host.Lifetime;

/// <summary>
/// Hands a connection that a superseded generation's daemon loop accepted to the generation in force. When a reload is
/// published, the old loop is stopped asynchronously, and an accept it already had pending can still complete: without
/// this, a connection made after <c>configuration reloaded</c> was logged could meet the old configuration and policies.
/// Exim's re-executed daemon gives every connection accepted after SIGHUP the new configuration; so does this. Each
/// generation's session handler is made once and lives as long as its generation.
/// </summary>
internal sealed class SessionHandoff(GenerationStore store, Func<Generation, ISmtpSessionHandler> create)
{
    private readonly ConditionalWeakTable<Generation, ISmtpSessionHandler> _handlers = [];
    private readonly GenerationStore _store = store;

    /// <summary>
    /// The handler <paramref name="owner"/>'s daemon loop is given. Its own handler is made now, as the loop starts (with
    /// the generation's spool, whose input directory then exists before the first connection).
    /// </summary>
    public ISmtpSessionHandler For(Generation owner)
    {
        _ = HandlerOf(owner);
        return new Handler(this, owner);
    }

    private ISmtpSessionHandler HandlerOf(Generation generation) => _handlers.GetValue(generation, g => create(g));

    private sealed class Handler(SessionHandoff handoff, Generation owner) : ISmtpSessionHandler
    {
        public async Task<SessionResult> RunAsync(Socket socket, CancellationToken shutdownToken)
        {
            if (owner.Superseded.IsCompleted && handoff._store.HasCurrent)
            {
                using var lease = handoff._store.Acquire();
                if (lease.Generation.Number > owner.Number)
                {
                    return await handoff.HandlerOf(lease.Generation).RunAsync(socket, shutdownToken).ConfigureAwait(false);
                }
            }
            return await handoff.HandlerOf(owner).RunAsync(socket, shutdownToken).ConfigureAwait(false);
        }
    }
}
