using System.Reflection;
using System.Runtime.Loader;

namespace Exim.Host.Scripting;

/// <summary>
/// A collectible context for one generation's copy of one script. It resolves nothing itself, so the contract
/// (Exim.Abstractions) and the BCL come from the default context and the script's types unify with the host's.
/// </summary>
internal sealed class ScriptLoadContext(string name) : AssemblyLoadContext(name, isCollectible: true)
{
    protected override Assembly? Load(AssemblyName assemblyName) => null;
}
