using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Exim.Abstractions.Config;

namespace Exim.Host.Generations;

/// <summary>A new generation ready to publish, or every error that stopped it.</summary>
internal sealed record GenerationBuildResult(Generation? Generation, ImmutableArray<ConfigDiagnostic> Errors)
{
    [MemberNotNullWhen(true, nameof(Generation))]
    public bool Succeeded => Generation is not null;
}
