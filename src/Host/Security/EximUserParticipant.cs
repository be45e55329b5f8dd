using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Host.Generations;

namespace Exim.Host.Security;

/// <summary>
/// Refuses a reload that would need another user than the one the daemon chose at start-up: once it has given root up
/// it cannot become another user or take root back, and staying root it cannot drop in the middle of a generation.
/// Changes between "root" and unset are harmless to a daemon that stayed root. A restart applies any change.
/// </summary>
internal sealed class EximUserParticipant(MainOptions started, EximIdentity? identity, bool startedAsRoot) : IGenerationParticipant
{
    public Task<ImmutableArray<ConfigDiagnostic>> PrepareAsync(Generation candidate, bool initial, CancellationToken cancellationToken)
    {
        var main = candidate.Config.Main;
        var next = EximIdentity.From(main, candidate.Loaded.AtMainOption);
        if (!startedAsRoot || Unprivileged(next) == Unprivileged(identity)) return Task.FromResult(ImmutableArray<ConfigDiagnostic>.Empty);
        var option = main.EximUser == started.EximUser ? "exim_group" : "exim_user";
        var was = option == "exim_user" ? started.EximUser : started.EximGroup;
        return Task.FromResult<ImmutableArray<ConfigDiagnostic>>([candidate.Loaded.AtMainOption(option,
            $"{option} cannot change while the daemon runs (it is \"{was}\" since start-up): restart the daemon to change it")]);
    }

    public void Commit(Generation published)
    {
    }

    public void Abort(Generation candidate)
    {
    }

    /// <summary>The ids a daemon with this identity runs as once started, or null for staying root.</summary>
    private static (int Uid, int Gid)? Unprivileged(EximIdentity? identity) => identity is { IsRoot: false } ? (identity.Uid, identity.Gid) : null;
}
