using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Exim.Abstractions.Config;

namespace Exim.Host.Configuration;

/// <summary>Either a validated configuration or every error found.</summary>
internal sealed record ConfigLoadResult(LoadedConfig? Config, ImmutableArray<ConfigDiagnostic> Errors)
{
    [MemberNotNullWhen(true, nameof(Config))]
    public bool Succeeded => Config is not null && Errors.IsEmpty;
}
