using Exim.Abstractions.Diagnostics;
using Exim.Host.Configuration;
using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Generations;

/// <summary>
/// Builds and publishes new generations, one at a time. A failed reload logs every error to the main and
/// panic logs and leaves the running generation in force (where Exim's re-exec would die).
/// </summary>
internal sealed partial class ConfigReloader(string configPath, GenerationBuilder builder, GenerationStore store,
    Action<Generation> onPublished, ILogger<ConfigReloader> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _requests = new();
    private TaskCompletionSource<ReloadOutcome>? _pending; // asked for, not started yet: later requests join it
    private ReloadReason _pendingReason;
    private bool _draining;

    /// <summary>Raised once the first configuration has parsed, before plugins load, so start-up errors reach its log files.</summary>
    public event Action<LoadedConfig>? FirstConfigParsed;

    /// <summary>
    /// What the daemon changes in each configuration it reads, at start and on reload, before a generation is built from
    /// it (smtp_accept_max cut to what the file descriptors allow); null changes nothing.
    /// </summary>
    public Func<LoadedConfig, LoadedConfig>? Adjust { get; set; }

    /// <summary>
    /// Called when a reload starts its work (not for a file change that changed nothing) and again when it ends, whatever
    /// its outcome: the daemon tells systemd RELOADING=1 and READY=1.
    /// </summary>
    public (Action Starting, Action Ended)? ReloadNotifications { get; set; }

    /// <summary>Core state that follows the configuration (the daemon's listeners); set up before the first load.</summary>
    public List<IGenerationParticipant> Participants { get; } = [];

    /// <summary>Loads the configuration and the first generation; nothing is published on failure.</summary>
    public async Task<ReloadOutcome> StartAsync()
    {
        var config = ReadFirst();
        if (!config.Succeeded) return new ReloadOutcome(ReloadStatus.Rejected, 0, config.Errors);
        return await StartAsync(config.Config).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the configuration the first generation will be built from (and raises <see cref="FirstConfigParsed"/>), so
    /// that the daemon can bind its ports and give up root before any plugin or script is loaded.
    /// </summary>
    public ConfigLoadResult ReadFirst() => ReadFirst(TomlConfigLoader.Load(configPath));

    /// <summary>As <see cref="ReadFirst()"/>, with the file already parsed (the daemon parses it while its logging is set up).</summary>
    public ConfigLoadResult ReadFirst(ConfigLoadResult config)
    {
        config = Adjusted(config);
        if (config.Succeeded) FirstConfigParsed?.Invoke(config.Config);
        return config;
    }

    /// <summary>Builds and publishes the first generation from <paramref name="first"/> (from <see cref="ReadFirst"/>).</summary>
    public async Task<ReloadOutcome> StartAsync(LoadedConfig first)
    {
        var built = await builder.BuildAsync(first).ConfigureAwait(false);
        if (!built.Succeeded) return new ReloadOutcome(ReloadStatus.Rejected, 0, built.Errors);
        var prepared = await PrepareAsync(built.Generation, initial: true).ConfigureAwait(false);
        if (!prepared.IsEmpty) return new ReloadOutcome(ReloadStatus.Rejected, 0, prepared);
        Publish(built.Generation);
        return new ReloadOutcome(ReloadStatus.Published, built.Generation.Number, []);
    }

    /// <summary>
    /// Asks for a reload (SIGHUP, a plugin file change). Requests coalesce: however many arrive while a reload is being
    /// built, they are served by one more reload that starts when it ends, and that one reads the files as they are
    /// then, so the last request's changes are always in force and a storm of signals never queues a storm of
    /// generations. A signal outranks a plugin file change (it rebuilds the plugins too).
    /// </summary>
    /// <returns>The outcome of the reload that served this request.</returns>
    public Task<ReloadOutcome> RequestReload(ReloadReason reason)
    {
        lock (_requests)
        {
            if (_pending is { } waiting)
            {
                if (reason == ReloadReason.Signal) _pendingReason = reason;
                return waiting.Task;
            }
            _pending = new TaskCompletionSource<ReloadOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pendingReason = reason;
            var requested = _pending.Task;
            if (!_draining)
            {
                _draining = true;
                _ = Task.Run(ServeRequestsAsync);
            }
            return requested;
        }
    }

    /// <summary>Runs the pending reload, then the one asked for meanwhile, until none is pending.</summary>
    private async Task ServeRequestsAsync()
    {
        while (true)
        {
            TaskCompletionSource<ReloadOutcome> request;
            ReloadReason reason;
            lock (_requests)
            {
                if (_pending is null)
                {
                    _draining = false;
                    return;
                }
                (request, reason, _pending) = (_pending, _pendingReason, null);
            }
            try
            {
                request.TrySetResult(await ReloadAsync(reason).ConfigureAwait(false));
            }
            catch (Exception e)
            {
                request.TrySetException(e);
            }
        }
    }

    public async Task<ReloadOutcome> ReloadAsync(ReloadReason reason, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var notifications = ReloadNotifications;
        var started = false;
        try
        {
            var current = store.Current;
            LoadedConfig loaded;
            if (reason != ReloadReason.Signal)
            {
                // Either kind of file change checks both kinds of files, so requests that coalesced lose nothing.
                if (!current.Plugins.Any(HasChanged) && current.Tls?.FilesChanged() != true)
                {
                    if (reason == ReloadReason.TlsFileChanged) TlsFilesUnchanged(logger, current.Number);
                    else PluginFilesUnchanged(logger, current.Number);
                    return new ReloadOutcome(ReloadStatus.Unchanged, current.Number, []);
                }
                loaded = current.Loaded;
                notifications?.Starting();
                started = true;
            }
            else
            {
                notifications?.Starting();
                started = true;
                var config = Load();
                if (!config.Succeeded) return Reject(current.Number, config.Errors, reason);
                loaded = config.Config;
            }

            var built = await builder.BuildAsync(loaded, current).ConfigureAwait(false);
            if (!built.Succeeded) return Reject(current.Number, built.Errors, reason);
            var prepared = await PrepareAsync(built.Generation, initial: false).ConfigureAwait(false);
            if (!prepared.IsEmpty) return Reject(current.Number, prepared, reason);
            Publish(built.Generation, current.Number, reason);
            return new ReloadOutcome(ReloadStatus.Published, built.Generation.Number, []);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Never let a reload take the daemon down; whatever went wrong, the old generation keeps serving.
            var number = store.HasCurrent ? store.Current.Number : 0;
            ReloadCrashed(logger, number, e);
            EximMetrics.Reload(ok: false, number);
            return new ReloadOutcome(ReloadStatus.Rejected, number,
                [new Exim.Abstractions.Config.ConfigDiagnostic(configPath, 0, 0, $"{e.GetType().Name}: {e.Message}")]);
        }
        finally
        {
            if (started) notifications?.Ended();
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private ConfigLoadResult Load()
    {
        return Adjusted(TomlConfigLoader.Load(configPath));
    }

    private ConfigLoadResult Adjusted(ConfigLoadResult config)
    {
        return config.Succeeded && Adjust is { } adjust ? config with { Config = adjust(config.Config) } : config;
    }

    private static bool HasChanged(Plugins.LoadedPlugin plugin)
    {
        try { return Plugins.PluginCatalog.HashFile(plugin.AssemblyPath) != plugin.ContentHash; }
        catch (IOException) { return true; } // being replaced right now; the build will tell
        catch (UnauthorizedAccessException) { return true; }
    }

    /// <summary>Prepares every participant; on any error aborts them all and discards the candidate.</summary>
    private async Task<System.Collections.Immutable.ImmutableArray<Exim.Abstractions.Config.ConfigDiagnostic>> PrepareAsync(Generation candidate, bool initial)
    {
        var done = new List<IGenerationParticipant>();
        foreach (var participant in Participants)
        {
            var errors = await participant.PrepareAsync(candidate, initial, CancellationToken.None).ConfigureAwait(false);
            if (errors.IsEmpty)
            {
                done.Add(participant);
                continue;
            }
            foreach (var d in done) d.Abort(candidate);
            await candidate.DiscardAsync().ConfigureAwait(false);
            return errors;
        }
        return [];
    }

    private void Publish(Generation next, long previous = 0, ReloadReason reason = ReloadReason.Signal)
    {
        if (previous == 0) EximMetrics.GenerationInForce(next.Number);
        else EximMetrics.Reload(ok: true, next.Number);
        // Participants first: the new generation's daemon loop may start the moment it is published, and must
        // find the listener set already updated.
        foreach (var participant in Participants) participant.Commit(next);
        store.Publish(next);
        onPublished(next);
        if (previous == 0) GenerationStarted(logger, next.Number, next.Config.SourcePath, next.Config.Revision, next.Describe());
        else GenerationPublished(logger, previous, next.Number, Describe(reason), next.Config.Revision, next.Describe());
    }

    private ReloadOutcome Reject(long current, System.Collections.Immutable.ImmutableArray<Exim.Abstractions.Config.ConfigDiagnostic> errors, ReloadReason reason)
    {
        EximMetrics.Reload(ok: false, current);
        foreach (var error in errors) ConfigRejectedDetail(logger, error.ToString());
        ConfigRejected(logger, Describe(reason), errors.Length, current);
        return new ReloadOutcome(ReloadStatus.Rejected, current, errors);
    }

    private static string Describe(ReloadReason reason) => reason switch
    {
        ReloadReason.Signal => "SIGHUP",
        ReloadReason.TlsFileChanged => "TLS certificate file change",
        _ => "plugin file change",
    };

    [LoggerMessage(EventIds.ConfigLoaded, LogLevel.Information, "generation {Number} started from {Path} (revision {Revision}): {Plugins}")]
    private static partial void GenerationStarted(ILogger logger, long number, string path, string revision, string plugins);

    [LoggerMessage(EventIds.GenerationPublished, LogLevel.Information, "configuration reloaded ({Reason}): generation {Old} -> {New} (revision {Revision}): {Plugins}")]
    private static partial void GenerationPublished(ILogger logger, long old, long @new, string reason, string revision, string plugins);

    [LoggerMessage(EventIds.ConfigRejectedDetail, LogLevel.Critical, "configuration error: {Error}")]
    private static partial void ConfigRejectedDetail(ILogger logger, string error);

    [LoggerMessage(EventIds.ConfigRejected, LogLevel.Critical, "reload ({Reason}) rejected with {Count} error(s): generation {Current} stays in force")]
    private static partial void ConfigRejected(ILogger logger, string reason, int count, long current);

    [LoggerMessage(EventIds.PluginFileUnchanged, LogLevel.Debug, "plugin files touched but unchanged: generation {Number} stays")]
    private static partial void PluginFilesUnchanged(ILogger logger, long number);

    [LoggerMessage(EventIds.PluginFileUnchanged, LogLevel.Debug, "TLS certificate files touched but unchanged: generation {Number} stays")]
    private static partial void TlsFilesUnchanged(ILogger logger, long number);

    [LoggerMessage(EventIds.ConfigRejected, LogLevel.Critical, "reload failed unexpectedly: generation {Current} stays in force")]
    private static partial void ReloadCrashed(ILogger logger, long current, Exception exception);
}
