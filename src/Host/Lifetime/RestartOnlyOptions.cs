using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Host.Generations;

namespace Exim.Host.Lifetime;

/// <summary>
/// Refuses a reload that changes an option the running daemon fixed at start-up and cannot move while it runs: the spool
/// it owns (and named its sockets after), the control socket and the submission socket, which clients find by name. The
/// old generation stays in force, and the error says to restart. (Exim re-executes itself on SIGHUP; we keep the
/// process, its sockets and its sessions, so these few options need a restart instead.)
/// </summary>
internal sealed class RestartOnlyOptions(MainOptions started) : IGenerationParticipant
{
    public Task<ImmutableArray<ConfigDiagnostic>> PrepareAsync(Generation candidate, bool initial, CancellationToken cancellationToken)
    {
        var main = candidate.Config.Main;
        var errors = ImmutableArray.CreateBuilder<ConfigDiagnostic>();
        Check("spool_directory", started.SpoolDirectory, main.SpoolDirectory);
        Check("notifier_socket", started.NotifierSocket, main.NotifierSocket);
        Check("submission_socket", started.SubmissionSocket, main.SubmissionSocket);
        return Task.FromResult(errors.ToImmutable());

        void Check(string option, string was, string now)
        {
            if (initial || was == now) return;
            errors.Add(candidate.Loaded.AtMainOption(option,
                $"{option} cannot change while the daemon runs (it is \"{was}\" since start-up): restart the daemon to change it"));
        }
    }

    public void Commit(Generation published)
    {
    }

    public void Abort(Generation candidate)
    {
    }
}
