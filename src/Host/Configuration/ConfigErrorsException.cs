using System.Collections.Immutable;
using Exim.Abstractions.Config;

namespace Exim.Host.Configuration;

/// <summary>Several configuration errors at once, each with its place: what a built-in driver's option binding found.</summary>
internal sealed class ConfigErrorsException(ImmutableArray<ConfigDiagnostic> diagnostics) : Exception(string.Join("\n", diagnostics))
{
    public ImmutableArray<ConfigDiagnostic> Diagnostics { get; } = diagnostics;
}
