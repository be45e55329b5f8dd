using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Host.Generations;

namespace Exim.Host.Security;

/// <summary>
/// Refuses a reload that changes exim_user or exim_group: the daemon chose its user once, at start-up, and cannot
/// become another one (having given root up) or take root back. A restart applies the change.
/// </summary>
internal sealed class EximUserParticipant(MainOptions started) : IGenerationParticipant
{
    public Task<ImmutableArray<ConfigDiagnostic>> PrepareAsync(Generation candidate, bool initial, CancellationToken cancellationToken)
    {
        var main = candidate.Config.Main;
        if (main.EximUser == started.EximUser && main.EximGroup == started.EximGroup) return Task.FromResult(ImmutableArray<ConfigDiagnostic>.Empty);
        var option = main.EximUser == started.EximUser ? "exim_group" : "exim_user";
        return Task.FromResult<ImmutableArray<ConfigDiagnostic>>([candidate.Loaded.AtMainOption(option,
            $"{option} cannot change while the daemon runs (it is \"{(option == "exim_user" ? started.EximUser : started.EximGroup)}\" since start-up): restart the daemon to change it")]);
    }

    public void Commit(Generation published)
    {
    }

    public void Abort(Generation candidate)
    {
    }
}
