using System.Collections.Immutable;
using Exim.Abstractions.Config;

namespace Exim.Host.Generations;

/// <summary>
/// Core state that must follow the configuration but outlives generations (listening sockets). Prepared before a
/// generation is published, so a failure can still reject the reload; committed after publishing, or aborted.
/// </summary>
internal interface IGenerationParticipant
{
    Task<ImmutableArray<ConfigDiagnostic>> PrepareAsync(Generation candidate, bool initial, CancellationToken cancellationToken);

    void Commit(Generation published);

    void Abort(Generation candidate);
}
