using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Host.Cli.Commands;
using Exim.Host.Configuration;
using Exim.Host.Listeners;
using Exim.Host.Log;
using Exim.Mail.Native;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Security;

/// <summary>
/// The daemon's start-up between reading its configuration and building its first generation: refuse root without
/// exim_user, bind the listeners (as root), give the spool and logs to the Exim user, become that user for good, and
/// check that it can still read what reloads need. Only then are plugins loaded and scripts compiled, so no plugin,
/// script, session, runner or delivery ever runs as root.
/// </summary>
internal static partial class DaemonPrivileges
{
    /// <returns>
    /// Whether start-up may go on (then with the participant that keeps reloads to the same user); when not, the reason
    /// is on <paramref name="error"/> and in the logs.
    /// </returns>
    /// <param name="stop">Cancelled by SIGTERM or SIGINT: start-up ends, even while it waits to retry a bind.</param>
    public static async Task<EximUserParticipant?> SetUpAsync(LoadedConfig loaded, DaemonListeners listeners, TextWriter error, ILogger logger,
        CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(listeners);
        ArgumentNullException.ThrowIfNull(error);
        var config = loaded.Config;
        EximIdentity? identity;
        try
        {
            identity = EximIdentity.From(config.Main, loaded.AtMainOption);
        }
        catch (EximConfigException e)
        {
            ConfigErrors.Print([e.Diagnostic], error);
            return null;
        }
        var root = PrivilegeDrop.IsRoot;
        if (root && identity is null) return Refuse(PrivilegeDrop.RootWithoutEximUser, error, logger);
        var participant = new EximUserParticipant(config.Main, identity, root);

        ImmutableArray<ConfigDiagnostic> bindErrors;
        try
        {
            bindErrors = await listeners.BindFirstAsync(config, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // daemon_startup_retries × daemon_startup_sleep can be minutes: a stop signal must not wait for them (systemd
            // would wait TimeoutStopSec and then kill).
            await error.WriteLineAsync("exim: stopped while waiting to bind the listening sockets").ConfigureAwait(false);
            return null;
        }
        if (!bindErrors.IsEmpty)
        {
            ConfigErrors.Print(bindErrors, error);
            return null;
        }
        if (!root || identity is null) return participant;
        if (identity.IsRoot)
        {
            RunningAsRoot(logger);
            return participant;
        }

        var failed = SpoolOwnership.Prepare(config.Main, identity);
        if (failed is null)
        {
            // Handed over at the last moment: the Exim user must not reach the diagnostic port of a process still root.
            if (DiagnosticPort.HandTo(identity) is { } kept) DiagnosticPortKept(logger, kept);
            failed = PrivilegeDrop.DropTo(identity);
        }
        if (failed is not null) return Refuse(failed, error, logger);
        Dropped(logger, identity.User, identity.Group, identity.Uid, identity.Gid, string.Join(',', Posix.SupplementaryGroups()));
        var unreadable = EximUserAccess.Unreadable(config, identity);
        foreach (var problem in unreadable) _ = Refuse(problem, error, logger);
        return unreadable.Count == 0 ? participant : null;
    }

    private static EximUserParticipant? Refuse(string message, TextWriter error, ILogger logger)
    {
        error.WriteLine(message);
        Refused(logger, message);
        return null;
    }

    [LoggerMessage(EventIds.PrivilegesDropped, LogLevel.Information, "listeners bound as root; now running as exim_user {User}:{Group} (uid={Uid} gid={Gid} groups={Groups})")]
    private static partial void Dropped(ILogger logger, string user, string group, int uid, int gid, string groups);

    [LoggerMessage(EventIds.DiagnosticPortKept, LogLevel.Warning, "{Message}")]
    private static partial void DiagnosticPortKept(ILogger logger, string message);

    [LoggerMessage(EventIds.RunningAsRoot, LogLevel.Warning, "exim_user = root: the daemon, its plugins, scripts, sessions, runners and deliveries all run as root")]
    private static partial void RunningAsRoot(ILogger logger);

    [LoggerMessage(EventIds.PrivilegesRefused, LogLevel.Critical, "{Message}")]
    private static partial void Refused(ILogger logger, string message);
}
