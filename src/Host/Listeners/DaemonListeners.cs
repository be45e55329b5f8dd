using System.Collections.Concurrent;
using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Host.Generations;

namespace Exim.Host.Listeners;

/// <summary>Keeps the daemon's listening sockets in step with each generation's listen configuration.</summary>
internal sealed class DaemonListeners(ListenerSet listeners, string? listenOverride) : IGenerationParticipant
{
    private readonly ConcurrentDictionary<long, ImmutableArray<Listener>> _prepared = new();

    /// <summary>
    /// Binds the first configuration's listeners before the first generation is built (so before the daemon gives up
    /// root); the first generation then finds them bound and keeps them.
    /// </summary>
    public async Task<ImmutableArray<ConfigDiagnostic>> BindFirstAsync(EximConfig config, CancellationToken cancellationToken)
    {
        var (bound, errors) = await BindAsync(config, retry: true, cancellationToken).ConfigureAwait(false);
        if (errors.IsEmpty) listeners.Commit(bound, config.Main.SmtpBacklogMonitor);
        return errors;
    }

    public async Task<ImmutableArray<ConfigDiagnostic>> PrepareAsync(Generation candidate, bool initial, CancellationToken cancellationToken)
    {
        var (bound, errors) = await BindAsync(candidate.Config, retry: initial, cancellationToken).ConfigureAwait(false);
        if (errors.IsEmpty) _prepared[candidate.Number] = bound;
        return errors;
    }

    public void Commit(Generation published)
    {
        if (_prepared.TryRemove(published.Number, out var bound)) listeners.Commit(bound, published.Config.Main.SmtpBacklogMonitor);
    }

    public void Abort(Generation candidate)
    {
        if (_prepared.TryRemove(candidate.Number, out var bound)) listeners.Abort(bound);
    }

    private async Task<(ImmutableArray<Listener> Bound, ImmutableArray<ConfigDiagnostic> Errors)> BindAsync(EximConfig config, bool retry, CancellationToken cancellationToken)
    {
        var specs = ListenConfig.Resolve(config.Main, listenOverride, out var error);
        if (error is not null) return ([], [new ConfigDiagnostic(config.SourcePath, 0, 0, error)]);
        var (bound, bindError) = await listeners.PrepareAsync(specs, config.Main, retry, cancellationToken).ConfigureAwait(false);
        if (bindError is not null) return ([], [new ConfigDiagnostic(config.SourcePath, 0, 0, bindError)]);
        return (bound, []);
    }
}
