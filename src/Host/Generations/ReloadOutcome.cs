using System.Collections.Immutable;
using Exim.Abstractions.Config;

namespace Exim.Host.Generations;

/// <summary>What a reload did: published a generation, found nothing to do, or was rejected with errors.</summary>
internal sealed record ReloadOutcome(ReloadStatus Status, long Generation, ImmutableArray<ConfigDiagnostic> Errors);

internal enum ReloadStatus
{
    Published,
    Unchanged,
    Rejected,
}
