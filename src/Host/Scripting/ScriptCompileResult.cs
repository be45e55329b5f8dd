using System.Collections.Immutable;
using Exim.Abstractions.Config;

namespace Exim.Host.Scripting;

/// <summary>An emitted script assembly (with its PDB embedded), or every error that stopped it.</summary>
internal sealed record ScriptCompileResult(byte[]? Image, ImmutableArray<ConfigDiagnostic> Errors)
{
    public bool Succeeded => Image is not null;
}
